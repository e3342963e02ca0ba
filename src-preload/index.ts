/**
 * Preload: exposes the console's API contract as `window.gameday` and nothing else. The contract
 * (src-main/api) lands with the desktop UI; until then only the version is exposed.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('gameday', Object.freeze({ transport: 'electron' as const }));
