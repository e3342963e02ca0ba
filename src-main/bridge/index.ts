/** Public entry of the loopback bridge (HTTP + WebSocket); the command dispatcher it calls is console/dispatch.ts. */
export { startBridge, isLoopback, type Bridge, type BridgeOptions } from './server.js';
export { TokenPair, tokenEquals, newToken, type BridgeRole } from './auth.js';
export { checkHost, checkOrigin } from './origin-guard.js';
export { certFingerprint, certHosts, workspaceTls, TlsError, type BridgeTls } from './tls.js';
export { WS_PATH, type ClientMessage, type ServerMessage } from '../api/index.js';
