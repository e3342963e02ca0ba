import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BadFaultContext, buildInject, buildRenew, buildRevert, cleanupAll, getFault, GuardRefused, isOneShot, listFaults,
  resolveParams, scanTraces, faultSafety, DEFAULT_POLICY, type FaultSafety,
} from '../../src-main/faults/index.js';
import { diskFill } from '../../src-main/faults/disk-fill.js';
import { chainName, tcMajor } from '../../src-main/faults/ids.js';
import type { Shell } from '../../src-main/shell/index.js';
import { CTX, EXAMPLES } from './faults-fixtures.js';

/** POSIX syntax check with the system sh (dash on Debian): exit 0 or the parser's message. */
function syntax(cmd: Shell): string {
  const r = spawnSync('/bin/sh', ['-n'], { input: cmd.text, encoding: 'utf8' });
  return r.status === 0 ? 'ok' : r.stderr;
}

const mods = listFaults().filter((m) => m.category !== 'gpu');

describe('fault builders produce valid POSIX sh', () => {
  for (const mod of mods) {
    it(mod.id, () => {
      const p = resolveParams(mod, { params: EXAMPLES[mod.id] });
      for (const [what, fn] of Object.entries({ inject: mod.inject, verify: mod.verify, revert: mod.revert, observe: mod.observe })) {
        if (!fn) continue;
        expect(syntax(fn(p, CTX)), `${mod.id}.${what}`).toBe('ok');
      }
      expect(syntax(buildInject(mod, p, CTX)), 'buildInject').toBe('ok');
      expect(syntax(buildRevert(mod, p, CTX)), 'buildRevert').toBe('ok');
    });
  }
  it('renew, scan and cleanup', () => {
    expect(syntax(buildRenew(CTX.runId))).toBe('ok');
    expect(syntax(buildRenew(CTX.runId, ['f-1', 'f-2']))).toBe('ok');
    expect(syntax(buildRenew(CTX.runId, []))).toBe('ok');
    expect(syntax(scanTraces())).toBe('ok');
    expect(syntax(cleanupAll(CTX.runId))).toBe('ok');
  });
  it('one-shot variants (process-kill once) build too', () => {
    const mod = getFault('process-kill');
    const p = resolveParams(mod, { params: { pid: 4242 } });
    expect(isOneShot(mod, p)).toBe(true);
    expect(syntax(buildInject(mod, p, CTX))).toBe('ok');
    expect(buildInject(mod, p, CTX).text).toContain('lease=none');
  });
});

describe('identity and naming', () => {
  it('chain names fit the 28-char xtables limit for the longest fault id', () => {
    expect(chainName({ faultId: 'a'.repeat(24) }).length).toBeLessThanOrEqual(28);
  });
  it('tc majors are per-fault, hex, and in range', () => {
    const a = tcMajor(CTX);
    const b = tcMajor({ ...CTX, faultId: 'f-other' });
    expect(a).toMatch(/^[0-9a-f]{4}$/);
    expect(a).not.toBe(b);
  });
  it('unsafe run or fault ids are refused before anything is built', () => {
    const mod = getFault('port-block');
    const p = resolveParams(mod, { params: { port: 8080 } });
    for (const bad of [{ runId: 'a;b' }, { runId: '../x' }, { runId: 'a:b' }, { faultId: 'UPPER' }, { faultId: 'x'.repeat(25) }, { faultId: 'a b' }]) {
      expect(() => mod.inject(p, { ...CTX, ...bad })).toThrow(BadFaultContext);
    }
    expect(() => buildRenew('r;x')).toThrow(BadFaultContext);
    expect(() => buildRenew('r', ['$(x)'])).toThrow(BadFaultContext);
    expect(() => scanTraces('a/b')).toThrow(BadFaultContext);
  });
});

describe('management-path guards', () => {
  /** The run's safety as the fault manager hands it to a fault: the policy with the paths of the nodes in play. */
  const safety = (m: { sshPorts?: number[]; hosts?: string[] }): FaultSafety => ({ ...DEFAULT_POLICY, management: { sshPorts: [22, ...(m.sshPorts ?? [])], hosts: m.hosts ?? [] } });

  it('port-block refuses port 22 and configured SSH ports', () => {
    const mod = getFault('port-block');
    expect(mod.guard?.(resolveParams(mod, { params: { port: 22 } }), CTX)).toMatch(/SSH/);
    const ctx = { ...CTX, safety: safety({ sshPorts: [2222] }) };
    expect(mod.guard?.(resolveParams(mod, { params: { port: 2222 } }), ctx)).toMatch(/SSH/);
    expect(mod.guard?.(resolveParams(mod, { params: { port: 8080 } }), ctx)).toBeNull();
  });

  it('the management paths come from the context, never from state another run left behind', () => {
    const mod = getFault('port-block');
    const p = resolveParams(mod, { params: { port: 2222 } });
    // Two runs in one process (the console, tests): one reaches its nodes on 2222, the other on 22.
    const a = { ...CTX, safety: faultSafety(DEFAULT_POLICY, [{ spec: { port: 2222 } }]) };
    const b = { ...CTX, safety: faultSafety(DEFAULT_POLICY, [{ spec: { port: 22 } }]) };
    expect(mod.guard?.(p, a)).toMatch(/SSH/);
    expect(mod.guard?.(p, b)).toBeNull();
    expect(mod.guard?.(p, a)).toMatch(/SSH/);
    // Jump hosts are management hosts: a partition covering one is refused.
    const viaJump = { ...CTX, safety: faultSafety(DEFAULT_POLICY, [{ spec: { port: 22, jump: [{ host: '10.9.9.9' }] } }]) };
    const part = getFault('network-partition');
    expect(part.guard?.(resolveParams(part, { params: { peers: ['10.9.0.0/16'] } }), viaJump)).toMatch(/management host 10\.9\.9\.9/);
    expect(part.guard?.(resolveParams(part, { params: { peers: ['10.9.0.0/16'] } }), b)).toBeNull();
  });

  it('refuses targets that cover the management host', () => {
    const ctx = { ...CTX, safety: safety({ hosts: ['10.9.9.9'] }) };
    const cases: Array<[string, Record<string, unknown>]> = [
      ['network-partition', { peers: ['10.9.0.0/16'] }],
      ['network-loss', { percent: 10, peers: ['10.9.9.9'] }],
      ['dependency-block', { host: '10.9.9.9', port: 80 }],
      ['dependency-slow', { host: '10.9.9.9', port: 80, rateKbit: 100 }],
      ['network-bandwidth', { iface: 'eth0', rateKbit: 100, peers: ['10.9.9.9'] }],
      ['port-block', { port: 80, sources: ['0.0.0.0/0'] }],
    ];
    for (const [id, params] of cases) {
      const mod = getFault(id);
      expect(mod.guard?.(resolveParams(mod, { params }), ctx), id).toMatch(/management host 10\.9\.9\.9/);
    }
    const part = getFault('network-partition');
    expect(part.guard?.(resolveParams(part, { params: { peers: ['10.8.0.0/16'] } }), ctx)).toBeNull();
  });

  it('buildInject will not build a refused fault', () => {
    const mod = getFault('port-block');
    expect(() => buildInject(mod, resolveParams(mod, { params: { port: 22 } }), CTX)).toThrow(GuardRefused);
  });

  it('protected processes and units are refused', () => {
    const kill = getFault('process-kill');
    expect(kill.guard?.(resolveParams(kill, { params: { name: 'sshd' } }), CTX)).toMatch(/protected/);
    const svc = getFault('service-stop');
    expect(svc.guard?.(resolveParams(svc, { params: { unit: 'ssh.service' } }), CTX)).toMatch(/protected/);
    expect(svc.guard?.(resolveParams(svc, { params: { unit: 'nginx' } }), CTX)).toBeNull();
  });
});

describe('quoting holds even when validation is bypassed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-unit-'));
  const canary = join(dir, 'canary');
  afterEach(() => rmSync(canary, { force: true }));

  it('hostile values in verify/revert scripts never execute', () => {
    const hostile = [`/x; touch ${canary}`, `/x$(touch ${canary})`, `/x\`touch ${canary}\``, `/x'; touch ${canary}; '`, `/x\ntouch ${canary}`];
    // The module itself, not its catalog entry (which validates first): the builder must still quote.
    const disk = diskFill;
    for (const path of hostile) {
      // Deliberately unvalidated: the builder must still quote it.
      const p = { path, targetPercent: 50, keepFreeMb: 1, keepFreePercent: 1 };
      for (const cmd of [disk.verify(p, CTX), disk.revert(p, CTX)]) {
        spawnSync('/bin/sh', ['-c', cmd.text], { encoding: 'utf8' });
        expect(existsSync(canary), `${JSON.stringify(path)}\n${cmd.text}`).toBe(false);
      }
    }
  });
});
