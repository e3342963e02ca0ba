// This module is node-only: the web and preload projects (tsconfig.web.json, tsconfig.preload.json)
// map ssh2, better-sqlite3, ws, playwright-core, commander, electron and node:* here, and this file is
// deliberately not a module, so importing one of them from browser code fails with TS2306
// "… tsconfig.node-only.d.ts is not a module". Browser code talks to the engine only through the
// contract in src-main/api (window.gameday under Electron, the WebSocket bridge otherwise).
declare const nodeOnlyModule: never;
