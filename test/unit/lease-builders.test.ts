import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInject, buildRenew, buildRevert, getFault, parseStatus, parseStatusLines, parseTraces, resolveParams } from '../../src-main/faults/index.js';
import { CLEANUP_SH, LEASE_WATCHDOG_SH } from '../../src-main/faults/embedded-scripts.js';
import { CTX } from './faults-fixtures.js';

describe('embedded scripts', () => {
  it('match their sources (regenerate with: node src-main/faults/embed.mjs)', () => {
    expect(LEASE_WATCHDOG_SH).toBe(readFileSync(join(process.cwd(), 'resources/lease-watchdog.sh'), 'utf8'));
    expect(CLEANUP_SH).toBe(readFileSync(join(process.cwd(), 'src-main/faults/cleanup.sh'), 'utf8'));
  });
});

describe('buildInject ordering', () => {
  const mod = getFault('port-block');
  const p = resolveParams(mod, { params: { port: 8080 } });
  const text = buildInject(mod, p, CTX).text;
  it('creates the guard (revert file, lease, watchdog, timer) before the fault', () => {
    const at = (s: string) => {
      const i = text.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      at('gd_rundir run-20240101-a1 1'),
      at('> "$gd_r"'),
      at('> "$gd_l" || gd_fail lease'),
      at('setsid sh "$gd_w"'),
      at('systemd-run'),
      at('gd_rc=$?\nif [ $gd_rc -ne 0 ]'), // right after the module's inject
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('--unit=gameday-run-20240101-a1-f-abc123');
    expect(text).toContain('--on-active=600s');
  });
  it('reverts right away when inject fails', () => {
    expect(text).toMatch(/inject=fail code=\$gd_rc"\n\s*sh "\$gd_r"/);
  });
  it('buildRevert disarms and verifies clean', () => {
    const r = buildRevert(mod, p, CTX).text;
    expect(r).toContain('rm -f "$gd_l"');
    expect(r).toContain('systemctl stop gameday-run-20240101-a1-f-abc123.timer');
    expect(r).toMatch(/clean=\$gd_clean/);
  });
  it('buildRenew never recreates a consumed lease', () => {
    expect(buildRenew(CTX.runId).text).toContain('touch -c');
  });
});

describe('status parsing', () => {
  it('merges GAMEDAY lines and ignores tool chatter', () => {
    const out = 'Warning: something\nGAMEDAY fault=f1 lease=/run/gameday/r/f1.lease watchdog_pid=123 timer=none\nnoise\nGAMEDAY fault=f1 inject=ok verify=ok\n';
    expect(parseStatus(out)).toEqual({ fault: 'f1', lease: '/run/gameday/r/f1.lease', watchdog_pid: '123', timer: 'none', inject: 'ok', verify: 'ok' });
    expect(parseStatusLines(out)).toHaveLength(2);
  });
  it('parses trace lines', () => {
    const t = parseTraces('TRACE kind=iptables-chain chain=GD-x\nCLEANED kind=lease run=r fault=f ok=yes\n');
    expect(t).toEqual([
      { verb: 'TRACE', fields: { kind: 'iptables-chain', chain: 'GD-x' } },
      { verb: 'CLEANED', fields: { kind: 'lease', run: 'r', fault: 'f', ok: 'yes' } },
    ]);
  });
});
