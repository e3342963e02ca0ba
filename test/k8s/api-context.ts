/**
 * What every request handler of the test apiserver shares: the store, the authorizer, the
 * admission chain, watch tuning and the request log (tests read the log to see what a client
 * really sent, e.g. that STOP patched before it deleted).
 */
import type { RbacTable, TokenTable } from './rbac.js';
import type { ResourceDef } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KObject } from './types.js';
import type { WatchHandle, WatchOptions } from './watch.js';

/**
 * An admission step for client writes (controllers write to the store directly, as they would
 * through their own admission-free updates here). May mutate `obj`; throws ApiError to refuse;
 * returns unknown fields it pruned, if any.
 */
export type AdmissionHook = (op: 'create' | 'update', def: ResourceDef, obj: KObject, old?: KObject) => string[] | void;

/** One request as the server saw it. */
export interface RequestRecord {
  at: number;
  user: string;
  method: string;
  path: string;
  query: string;
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  contentType?: string;
  accept?: string;
  /** Decoded request body (writes only), for assertions on what a client sent. */
  body?: unknown;
  code: number;
  dryRun: boolean;
}

/** Shared state of the request handlers. */
export interface ApiContext {
  store: ObjectStore;
  tokens: TokenTable;
  rbac: () => RbacTable;
  admission: AdmissionHook[];
  watch: WatchOptions;
  watches: Set<WatchHandle>;
  log: RequestRecord[];
  /** host:port clients reach the server on (reported in /api). */
  serverAddress: string;
}
