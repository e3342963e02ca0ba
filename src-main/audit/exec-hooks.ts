import type { PoolOptions } from '../ssh/index.js';
import type { AuditStore } from './store.js';
import { excerpt, redact } from './redact.js';

/**
 * Pool hooks that audit every command: the intent (node, user, command) is committed before the
 * command is sent; the outcome (exit code, timing, output excerpt, or the error) after.
 */
export function auditExecHooks(audit: AuditStore, ctx: { runId?: string; actor?: string } = {}): Pick<PoolOptions, 'beforeExec' | 'afterExec'> {
  return {
    beforeExec(spec, cmd, opts) {
      const ev = audit.append({ runId: ctx.runId, kind: 'exec.intent', actor: ctx.actor, node: spec.name, data: { user: spec.user, host: spec.host, command: redact(cmd.text), sudo: Boolean(opts.sudo), timeoutMs: opts.timeoutMs ?? null } });
      return ev?.seq ?? null;
    },
    afterExec(spec, _cmd, { result, error, token }) {
      const intentSeq = typeof token === "number" ? token : null;
      audit.append({
        runId: ctx.runId,
        kind: 'exec.outcome',
        actor: ctx.actor,
        node: spec.name,
        data: result
          ? { intentSeq, code: result.code, signal: result.signal, timedOut: result.timedOut, ms: Math.round(result.durationMs), stdout: excerpt(result.stdout), stderr: excerpt(result.stderr) }
          : { intentSeq, error: error?.code ?? 'UNKNOWN', message: redact(error?.message ?? '') },
      });
    },
  };
}
