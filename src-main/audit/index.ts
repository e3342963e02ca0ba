/** Audit: the only code importing better-sqlite3. */
export { AuditStore, type StoredSample, type StoredRollup, type SampleInput, type AuditEvent, type AuditEventInput, type FaultRow, type FaultState, type VerifyReport } from './store.js';
export { redact, excerpt } from './redact.js';
export { auditExecHooks } from './exec-hooks.js';
export { scanProbe, scanStats, windowSamples, toSample, RAW_LIMIT, type ProbeScan, type ScanStats } from './sample-query.js';
export { parseDetail } from './sample-detail.js';
export { ROLLUP_MS, HIST_REL_ERROR } from './rollup.js';
export { AuditUnavailable, AuditFileError, AuditKeyError, isAuditError } from './errors.js';
export { parseHead, type VerifyCheck } from './verify.js';
export { readKey, keyFile, configDir, type AuditKey } from './keys.js';
export type { Head } from './anchor.js';
export type { AuditProblem, ReplayReport, Sample, SampleRow } from './types.js';
export { findRun, runEvents, num, str, bool, readRun, sampledProbeIds, ReportError, type Ev, type RunRow } from './run-read.js';
