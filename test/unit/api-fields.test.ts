/**
 * Hostile values in every field of every console command (the bridge's and IPC's payloads), through
 * the real dispatcher: refused as data (INVALID_REQUEST, the field named, a hint, no stack) before
 * the backend sees anything. Fields are enumerated from the contract, so a new one is swept too,
 * and a new string field without an edge rule (api/fields.ts) fails here.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { commands, type CommandName } from '../../src-main/api/index.js';
import { fieldRule } from '../../src-main/api/fields.js';
import { COMMAND_NAMES, dispatch } from '../../src-main/console/dispatch.js';
import { FakeBackend } from '../helpers/fake-backend.js';

interface ZNode {
  def: { type: string; innerType?: ZNode; entries?: Record<string, string> };
  shape?: Record<string, ZNode>;
}

const peel = (n: ZNode): ZNode => (['optional', 'default', 'nullable'].includes(n.def.type) ? peel(n.def.innerType!) : n);

const STRING_HOSTILE: Record<string, string> = {
  empty: '',
  semicolon: ';touch /tmp/gd-canary',
  dollar: '$(touch /tmp/gd-canary)',
  backtick: '`touch /tmp/gd-canary`',
  newline: 'x\ntouch /tmp/gd-canary',
  control: 'x\u0007\u001b[2J',
  nul: 'x\u0000y',
  bidi: 'safe\u202egnp.exe',
  long40k: 'a'.repeat(40_000),
  negative: '-1',
  nan: 'NaN',
  huge: '1e309',
  unicode: 'Zoë-ünï-😀',
  dotdot: '../../etc/passwd',
  absolute: '/etc/shadow',
};
const NUMBER_HOSTILE: Record<string, number> = { negative: -1, fraction: 1.5, nan: Number.NaN, infinity: Number.POSITIVE_INFINITY, huge: 1e308, beyond: 2 ** 60 };

/** Values each rule must refuse (the rest may be legitimate data and reach the backend). */
const NOT_TEXT = ['control', 'nul', 'bidi', 'long40k'];
const MUST_REFUSE: Record<string, string[]> = {
  person: ['empty', 'newline', ...NOT_TEXT],
  path: ['empty', 'newline', ...NOT_TEXT],
  reason: ['newline', ...NOT_TEXT],
  prose: NOT_TEXT,
  document: ['control', 'nul', 'bidi'],
  id: Object.keys(STRING_HOSTILE).filter((k) => !['nan', 'huge'].includes(k)),
  node: Object.keys(STRING_HOSTILE).filter((k) => !['nan', 'huge'].includes(k)),
  role: Object.keys(STRING_HOSTILE),
  glob: Object.keys(STRING_HOSTILE).filter((k) => !['nan', 'huge', 'negative'].includes(k)),
  terminal: [],
};
const VALID: Record<string, string> = { person: 'Dee', path: 'scenarios/api-packet-loss.yaml', reason: 'done', prose: 'a note\non two lines', document: 'version: 1\n', id: 'step-1', node: 'node01', role: 'scribe', glob: 'fault.*', terminal: 'ls\r' };

/** A request that passes the command's schema: the smallest valid value for every field. */
function validRequest(name: CommandName): Record<string, unknown> {
  const shape = (commands[name].req as unknown as ZNode).shape ?? {};
  const req: Record<string, unknown> = {};
  for (const [field, node] of Object.entries(shape)) {
    const n = peel(node);
    const candidates: unknown[] = n.def.type === 'string' ? [VALID[fieldRule(name, field)?.kind ?? ''] ?? 'x'] : n.def.type === 'number' ? [1, 10, 24, 80, 0] : n.def.type === 'boolean' ? [true] : n.def.type === 'enum' ? Object.values(n.def.entries ?? {}) : [];
    const ok = candidates.find((c) => (node as unknown as z.ZodType).safeParse(c).success);
    if (ok !== undefined) req[field] = ok;
  }
  return req;
}

describe('console command fields', () => {
  const fields = COMMAND_NAMES.flatMap((name) => Object.entries((commands[name].req as unknown as ZNode).shape ?? {}).map(([field, node]) => ({ name, field, type: peel(node).def.type })));

  it('every string field has an edge rule', () => {
    expect(fields.length).toBeGreaterThan(30);
    expect(fields.filter((f) => f.type === 'string' && !fieldRule(f.name, f.field)).map((f) => `${f.name}.${f.field}`)).toEqual([]);
    for (const name of COMMAND_NAMES) expect(commands[name].req.safeParse(validRequest(name)).success, name).toBe(true);
  });

  it('hostile values are refused as data before the backend, naming the field, with a hint', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const { name, field, type } of fields.filter((f) => f.type === 'string' || f.type === 'number')) {
      const rule = type === 'string' ? fieldRule(name, field)!.kind : 'number';
      const hostile: Record<string, unknown> = type === 'string' ? STRING_HOSTILE : NUMBER_HOSTILE;
      for (const [label, value] of Object.entries(hostile)) {
        cases++;
        const backend = new FakeBackend();
        const r = await dispatch(backend, name, { ...validRequest(name), [field]: value }, { role: 'commander', transport: 'bridge' });
        const mustRefuse = rule === 'number' || MUST_REFUSE[rule]!.includes(label);
        if (r.ok) {
          if (mustRefuse) failures.push(`${name}.${field} accepted ${label}`);
          continue;
        }
        if (r.error.code !== 'INVALID_REQUEST') {
          failures.push(`${name}.${field} ${label}: ${r.error.code} ${r.error.message}`);
          continue;
        }
        if (backend.calls.length > 0) failures.push(`${name}.${field} ${label}: refused after the backend was called`);
        if (!r.error.message.startsWith(`${name}: ${field}`)) failures.push(`${name}.${field} ${label}: message does not name the field: ${r.error.message.slice(0, 120)}`);
        if (!r.error.hint) failures.push(`${name}.${field} ${label}: no hint`);
        if (/\n\s+at |\u001b|\u202e/.test(r.error.message) || r.error.message.length > 400) failures.push(`${name}.${field} ${label}: the message carries the hostile value raw`);
      }
    }
    expect(cases).toBeGreaterThan(400);
    expect(failures).toEqual([]);
  });
});
