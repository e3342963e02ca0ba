import { describe, expect, it } from 'vitest';
import { listFaults, resolveParams, tryResolveParams, FaultParamsError, getFault } from '../../src-main/faults/index.js';
import { EXAMPLES, HOSTILE } from './faults-fixtures.js';

const mods = listFaults().filter((m) => m.category !== 'gpu');

/** Replace one leaf (string, number, or array element) of the params with a hostile value. */
function mutations(p: Record<string, unknown>, bad: string): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const [k, v] of Object.entries(p)) {
    if (Array.isArray(v)) out.push([`${k}[0]`, { ...p, [k]: [bad, ...v.slice(1)] }]);
    else out.push([k, { ...p, [k]: bad }]);
  }
  return out;
}

describe('fault parameter schemas', () => {
  it('every module has an example here', () => {
    expect(mods.map((m) => m.id).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const mod of mods) {
    describe(mod.id, () => {
      const example = EXAMPLES[mod.id]!;
      it('accepts the example', () => {
        expect(tryResolveParams(mod, { params: example })).toMatchObject({ ok: true });
      });
      it('presets validate when merged with the required params', () => {
        for (const level of ['low', 'medium', 'high'] as const) {
          const r = tryResolveParams(mod, { intensity: level, params: requiredOnly(mod.id) });
          expect(r, `${mod.id}/${level}`).toMatchObject({ ok: true });
        }
      });
      it('rejects hostile strings in every parameter', () => {
        for (const bad of HOSTILE) {
          for (const [where, params] of mutations(example, bad)) {
            const r = tryResolveParams(mod, { params });
            expect(r.ok, `${mod.id}.${where} = ${JSON.stringify(bad)}`).toBe(false);
          }
        }
      });
      it('rejects unknown parameters (strict)', () => {
        const r = tryResolveParams(mod, { params: { ...example, extra: 1 } });
        expect(r).toMatchObject({ ok: false });
        if (!r.ok) expect(r.issues.join(' ')).toMatch(/unknown parameter.*extra/);
      });
      it('has a revert unless it is one-shot', () => {
        expect(mod.oneShot).not.toBe(true);
        expect(typeof mod.revert).toBe('function');
      });
    });
  }
});

/** The params a preset cannot supply (addresses, names, paths). */
function requiredOnly(id: string): Record<string, unknown> {
  const e = EXAMPLES[id]!;
  const keep: Record<string, string[]> = {
    'network-bandwidth': ['iface'], 'network-latency': ['iface'], 'network-corrupt': ['iface'], 'network-duplicate': ['iface'],
    'port-block': ['port'], 'dependency-block': ['host', 'port'], 'dependency-slow': ['host', 'port'],
    'io-stress': ['path'], 'disk-fill': ['path'], 'process-kill': ['name'], 'process-pause': ['pid'], 'service-stop': ['unit'],
  };
  return Object.fromEntries((keep[id] ?? []).map((k) => [k, e[k]]));
}

describe('resolveParams', () => {
  it('explicit params override the preset', () => {
    const p = resolveParams(getFault('network-loss'), { intensity: 'high', params: { percent: 7 } });
    expect(p).toMatchObject({ percent: 7, direction: 'egress' });
  });
  it('names the parameter and the reason in plain words', () => {
    try {
      resolveParams(getFault('port-block'), { params: { port: 70000 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FaultParamsError);
      expect((e as FaultParamsError).issues).toEqual(['parameter "port": must be 1-65535']);
    }
  });
  it('explains a missing required parameter', () => {
    const r = tryResolveParams(getFault('network-bandwidth'), { intensity: 'low' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.join('\n')).toMatch(/parameter "iface"/);
  });
  it('refuses two targets at once for process faults', () => {
    const r = tryResolveParams(getFault('process-pause'), { params: { pid: 100, name: 'x' } });
    expect(r.ok).toBe(false);
  });
  it('unknown fault ids are a typed error listing the known ones', () => {
    expect(() => getFault('nope')).toThrow(/unknown fault "nope"; known: .*cpu-stress/);
  });
});
