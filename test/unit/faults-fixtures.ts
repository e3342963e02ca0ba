/** Shared fixtures for the fault unit tests: a valid example per fault kind, a context, hostile inputs. */
import type { FaultContext } from '../../src-main/faults/types.js';

export const CTX: FaultContext = {
  runId: 'run-20240101-a1',
  faultId: 'f-abc123',
  node: { name: 'node01', host: '10.253.1.2', gpu: 'none' },
  leaseTtlSec: 30,
  maxDurationSec: 600,
};

/** A valid parameter set for every fault kind this helper owns (GPU kinds live elsewhere). */
export const EXAMPLES: Record<string, Record<string, unknown>> = {
  'network-loss': { percent: 20, direction: 'both', peers: ['10.253.9.1', '10.253.8.0/24'] },
  'network-partition': { peers: ['10.253.9.1'] },
  'network-bandwidth': { iface: 'eth0', rateKbit: 1000 },
  'network-latency': { iface: 'eth0', delayMs: 100, jitterMs: 10 },
  'network-corrupt': { iface: 'eth0', percent: 5 },
  'network-duplicate': { iface: 'eth0', percent: 5, peers: ['10.253.9.1'] },
  'dns-failure': { mode: 'reject' },
  'port-block': { port: 8080, protocol: 'both' },
  'dependency-block': { host: '10.253.9.1', port: 5432 },
  'dependency-slow': { host: '10.253.9.1', port: 5432, rateKbit: 500 },
  'cpu-stress': { workers: 1, loadPercent: 50 },
  'memory-pressure': { percent: 10 },
  'io-stress': { mode: 'both', workers: 1, path: '/tmp', hddMb: 8 },
  'disk-fill': { path: '/var/tmp', targetPercent: 90 },
  'process-kill': { name: 'myservice', signal: 'TERM', everySec: 5, durationSec: 60 },
  'process-pause': { pid: 4242 },
  'service-stop': { unit: 'nginx.service' },
  'clock-skew': { offsetSec: 300 },
};

/** Strings that must never survive validation of any shell-bound parameter. */
export const HOSTILE = [
  '; touch /tmp/canary',
  '$(touch /tmp/canary)',
  '`touch /tmp/canary`',
  'eth0\ntouch /tmp/canary',
  "eth0'; touch /tmp/canary; '",
  'eth0" ; touch /tmp/canary',
  'ethé0',
  '-eth0',
  '--help',
  '',
  '10.0.0.1; touch /tmp/canary',
  '/tmp/$(touch /tmp/canary)',
  '../../etc',
  '/tmp/../etc',
  '/tmp/-rf',
];
