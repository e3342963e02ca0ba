/** Public entry of the loopback bridge (HTTP + WebSocket) and the shared command dispatcher. */
export { startBridge, isLoopback, type Bridge, type BridgeOptions } from './server.js';
export { dispatch, allowed, isCommandName, toApiError, apiError, COMMAND_NAMES, type Caller } from './dispatch.js';
export { TokenPair, tokenEquals, newToken, type BridgeRole } from './auth.js';
export { checkHost, checkOrigin } from './origin-guard.js';
export { certFingerprint, certHosts, workspaceTls, TlsError, type BridgeTls } from './tls.js';
export { WS_PATH, type ClientMessage, type ServerMessage } from '../api/index.js';
