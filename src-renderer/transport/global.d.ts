import type { WindowGameday } from '../../src-main/api/index.js';

declare global {
  interface Window {
    /** Present only under Electron (the preload exposes it); absent in a browser. */
    gameday?: WindowGameday;
  }
}
export {};
