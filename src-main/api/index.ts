/** The API contract shared by the Electron IPC, preload, bridge and renderer. */
export * from './events.js';
export * from './commands.js';
export * from './backend.js';
export * from './outcome.js';
export * from './units.js';
export * from './score-text.js';
export * from './roles.js';
export * from './wire.js';
export * from './desktop.js';
export * from './verbs.js';
