/** The workspace's paths and run ids live with the console (console/workspace.ts); the CLI's commands import them here. */
export { auditFile, controlDir, controlPath, findInventory, newRunId, workspaceDir, workspacePath } from '../console/index.js';
