import { describeOutcome, type RunSnapshot } from '../../api/index.js';
import type { RunOutcome } from '../../engine/index.js';
import type { Scenario } from '../../scenario/index.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML for CI: one test case per step and per SLO; a violated SLO or failed step is a failure. */
export function junitXml(sc: Scenario, snap: RunSnapshot, out: RunOutcome, audit?: { head?: { seq: number; hash: string }; anchor?: string; problem?: string }): string {
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const s of snap.steps) {
    const secs = s.startedAt && s.endedAt ? ((s.endedAt - s.startedAt) / 1000).toFixed(3) : '0';
    let body = '';
    if (s.status === 'failed') {
      failures++;
      body = `<failure message="${esc(s.message ?? 'failed')}"/>`;
    } else if (s.status === 'skipped' || s.status === 'pending') {
      skipped++;
      body = `<skipped message="${esc(s.message ?? s.status)}"/>`;
    }
    cases.push(`    <testcase classname="${esc(`steps.${s.phaseId}`)}" name="${esc(`${s.id}: ${s.title}`)}" time="${secs}">${body}</testcase>`);
  }
  for (const slo of out.slos) {
    let body = '';
    if (slo.verdict === 'fail') {
      failures++;
      body = `<failure message="${esc(`${slo.name}: measured ${slo.measured}, target ${slo.target}${slo.detail ? ` (${slo.detail})` : ''}`)}"/>`;
    } else if (slo.verdict === 'unknown') {
      skipped++;
      body = `<skipped message="${esc(slo.detail ?? 'no measurement')}"/>`;
    }
    cases.push(`    <testcase classname="slos" name="${esc(`${slo.name} ${slo.target}`)}" time="0">${body}</testcase>`);
  }
  if (out.state === 'aborted' || out.state === 'failed') {
    failures++;
    cases.push(`    <testcase classname="run" name="run finished" time="0"><failure message="${esc(`${out.state}${out.abortReason ? `: ${out.abortReason}` : ''}`)}"/></testcase>`);
  }
  const total = cases.length;
  // The one vocabulary (api/outcome.ts): a dry run or a rehearsal must not pass for a game day in CI.
  const o = describeOutcome({ status: out.state, mode: snap.mode ?? null, dryRun: snap.dryRun, commander: snap.commander, roles: snap.roles, stop: out.stop ? { actor: out.stop.actor, reason: out.stop.reason } : null, abortReason: out.abortReason ?? null });
  // The audit head of the run (keep it: `gameday audit verify --expect-head SEQ:HASH` proves later that
  // nothing up to it was removed or re-chained), or what the audit could not take.
  const props = [
    ['runId', out.runId],
    ['outcome', o.text],
    ...(o.marker ? [['marker', o.marker]] : []),
    ...(audit?.head ? [['gameday.audit.head_seq', String(audit.head.seq)], ['gameday.audit.head_hash', audit.head.hash]] : []),
    ...(audit?.anchor ? [['gameday.audit.anchor', audit.anchor]] : []),
    ...(audit?.problem ? [['gameday.audit.problem', audit.problem]] : []),
  ]
    .map(([k, v]) => `      <property name="${esc(k!)}" value="${esc(v!)}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${esc(`gameday: ${o.marker ? `${o.marker} · ` : ''}${sc.title}`)}" tests="${total}" failures="${failures}" skipped="${skipped}" timestamp="${new Date().toISOString()}">\n    <properties>\n${props}\n    </properties>\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
