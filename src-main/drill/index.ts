/** Public entry of src-main/drill: training drills — the drill clock, hints, score, what a trainee may see (redaction), rehearsal narration. */
export { DrillController } from './controller.js';
export { hiddenOf, isEnded, redactDrillView, redactEvent, redactRunSummary, redactSnapshot, type Hidden } from './redact.js';
export { HIDDEN_FROM_TRAINEES } from './trainee-access.js';
export { traineeCommands } from './commands-used.js';
export { NARRATED_KINDS } from './rehearsal.js';
export { drillViewFromAudit, modeOf } from './from-audit.js';
