/**
 * Public entry of src-main/console: the console's application service, the one place the desktop
 * app (app/), the loopback bridge (bridge/) and `gameday console` (cli/) share — sessions and runs
 * (console-service.ts), SSH shells for the room (shells.ts), what each role may see of a drill
 * (drill-access.ts), the reconcile of faults a dead console left behind (reconcile.ts), and the
 * command dispatcher every transport calls (dispatch.ts: role check, request validation, typed errors).
 */
export { ConsoleService, createConsoleService, type ConsoleServiceOptions } from './console-service.js';
export { COMMAND_NAMES, allowed, apiError, dispatch, isCommandName, toApiError, type Caller } from './dispatch.js';
export { DrillAccess, seesHidden } from './drill-access.js';
export { reconcileFaults, type ReconcileOptions, type ReconcileResult } from './reconcile.js';
export { ShellManager } from './shells.js';
export { findInventory, type InventoryChoice } from './inventory-choice.js';
export { consoleServiceOptions } from './options.js';
export { auditFile, controlDir, controlPath, ControlDirError, newRunId, workspaceDir, workspacePath } from './workspace.js';
