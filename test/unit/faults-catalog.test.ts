// The fault catalog is one closed literal map: every entry point sees the same kinds without
// importing anything for its side effects, and the map key is the module's own id.
import { describe, expect, it } from 'vitest';
import * as faults from '../../src-main/faults/index.js';
import { FAULTS, FaultParamsError, getFault, isFaultId, isOneShot, listFaults, UnknownFault } from '../../src-main/faults/registry.js';
import { processKill } from '../../src-main/faults/process-kill.js';

describe('FAULTS, the closed catalog', () => {
  it('is populated by importing registry.ts alone, keyed by each module id', () => {
    expect(Object.keys(FAULTS).length).toBe(26);
    for (const [id, kind] of Object.entries(FAULTS)) expect(kind.id).toBe(id);
    expect(listFaults().map((k) => k.id).sort()).toEqual(Object.keys(FAULTS).sort());
  });

  it('has no way to add a kind at run time', () => {
    expect('registerFault' in faults).toBe(false);
    expect(Object.isFrozen(FAULTS)).toBe(true);
  });

  it('names the known ids when asked for an unknown one', () => {
    expect(isFaultId('network-loss')).toBe(true);
    expect(isFaultId('toString')).toBe(false);
    expect(() => getFault('toString')).toThrow(UnknownFault);
    expect(() => getFault('nope')).toThrow(/known: .*network-loss/);
  });

  it('keeps the per-use one-shot rule of process-kill', () => {
    const once = processKill.params.parse({ name: 'x' });
    const repeated = processKill.params.parse({ name: 'x', everySec: 5 });
    expect(isOneShot(processKill, once)).toBe(true);
    expect(isOneShot(processKill, repeated)).toBe(false);
    expect(isOneShot(getFault('process-kill'), once)).toBe(true);
  });

  it('checks parameters against the module schema before building a command', () => {
    const k = getFault('network-loss');
    expect(() => k.inject({ bogus: 1 }, {} as never)).toThrow(FaultParamsError);
  });

  it('keeps each kind\'s batched STOP snippet (the catalog wrapper once dropped it, so STOP fell back to separate shells)', () => {
    const batched = ['port-block', 'network-loss', 'network-partition', 'dependency-block', 'dns-failure', 'cpu-stress', 'memory-pressure', 'io-stress'] as const;
    for (const id of batched) expect(typeof FAULTS[id].stop, id).toBe('function');
  });
});
