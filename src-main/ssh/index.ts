/** SSH layer: the only code importing ssh2. */
export { SshPool, type PoolOptions, type FanOutResult, type FanOutOptions } from './pool.js';
export { SshError, classifySshError } from './errors.js';
export { describeSpec, NodeConnection } from './connection.js';
export type { ConnectSpec, ExecOptions, ExecResult, SecretPrompts, SshErrorCode } from './types.js';
export type { ClientChannel as ShellChannel } from 'ssh2';
export { utf8Stream } from './utf8-stream.js';
export { loadSshConfig, globMatch, parseJumpSpec, SshConfigError, listConcreteHosts, resolveSshHost, expandTilde, type SshConfig, type ResolvedHost } from './ssh-config.js';
export { sharePool, REFUSED, type SharedSelector, type SharedSelection } from './pool-share.js';
export { fanOutShared, fanOutSharedSelector, sharedPools, SharedSelectorError, type SharedFanOutHandlers } from './pool-share-client.js';
export { askPool, type SharedResult, type SharedAnswer } from './pool-share-client.js';
export { SharedPool, type SharedPoolPlace, type Routed } from './shared-pool.js';
