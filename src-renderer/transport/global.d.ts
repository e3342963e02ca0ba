import type { GamedayApi } from '../../src-main/api/commands.js';
import type { DesktopApi } from '../../src-preload/desktop-api.js';

declare global {
  interface Window {
    /** Present only under Electron (the preload exposes it); absent in a browser. */
    gameday?: GamedayApi & { readonly desktop: DesktopApi };
  }
}
export {};
