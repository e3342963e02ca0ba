/** The live run as the engine describes it; changed only by engine events (see reduce.ts). */
import type { StateCreator } from 'zustand';
import { OutputLog, ShellRouter } from './output-log.js';
import { ProbeData } from './probe-data.js';
import type { BufferSlice, CatalogSlice, ConsoleState, RunSlice } from './types.js';

export const createRunSlice: StateCreator<ConsoleState, [], [], RunSlice> = () => ({
  run: null,
  phases: [],
  steps: [],
  currentStepId: null,
  faults: {},
  faultEndedAt: {},
  timers: {},
  probes: {},
  notes: [],
  stop: null,
  slos: null,
  exitCode: null,
  drill: null,
  clockOffsetMs: 0,
});

export const createBufferSlice: StateCreator<ConsoleState, [], [], BufferSlice> = () => ({
  probeData: new ProbeData(),
  execLog: new OutputLog(),
  shells: new ShellRouter(),
});

export const createCatalogSlice: StateCreator<ConsoleState, [], [], CatalogSlice> = () => ({
  scenarios: null,
  runs: null,
  inventory: null,
  nodeChecks: {},
  interrupted: [],
  preflight: null,
});
