/**
 * Read-only commands that would show a trainee the hidden fault while a drill runs: the runbook
 * itself (scenario list and text name every fault), the audit (fault.intent rows), reports and
 * interrupted-run lists. The backend refuses them to trainees until the run has ended; the
 * snapshot and drill view are redacted instead (redact.ts).
 */
import type { CommandName } from '../api/index.js';

export const HIDDEN_FROM_TRAINEES: ReadonlySet<CommandName> = new Set<CommandName>(['scenario.list', 'scenario.open', 'audit.events', 'report.preview', 'report.export', 'runs.interrupted']);
