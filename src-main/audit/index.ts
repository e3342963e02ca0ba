/** Audit: the only code importing better-sqlite3. */
export { AuditStore, type AuditEvent, type AuditEventInput, type FaultRow, type FaultState, type VerifyReport } from './store.js';
export { redact, excerpt } from './redact.js';
export { auditExecHooks } from './exec-hooks.js';
