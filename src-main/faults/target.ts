import type { ConnectSpec } from '../ssh/index.js';

/** What the safety policy looks at in a node (a subset of an inventory node). */
export interface PolicyNode {
  name: string;
  host: string;
  env: 'lab' | 'staging' | 'prod';
  tags: string[];
}

/**
 * A node a fault is aimed at: what the safety policy and the fault need, and how to reach it.
 * Resolved once from the inventory when a run's plan is built (scenario/plan-targets.ts, or the
 * CLI's selector for `gameday inject`); preflight, the fault manager and STOP all take this shape.
 */
export interface FaultTarget extends PolicyNode {
  gpu: 'amd' | 'nvidia' | 'none';
  spec: ConnectSpec;
}
