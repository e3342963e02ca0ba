/** Types of node-http.mjs (the lab nodes' HTTP service contract; plain Node so the netns lab runs it directly). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export declare const MAX_OUTAGE_MS: number;
export declare const MAX_BYTES: number;
export declare function intParam(url: URL, name: string, max: number): number | null;
export declare function failParam(url: URL): number | null;
export declare function send(res: ServerResponse, status: number, body: unknown, type?: string): void;
export declare function streamBytes(res: ServerResponse, total: number): void;
export declare function sink(node: string, req: IncomingMessage, res: ServerResponse): void;

/** An outage as the service records it: the ground truth recovery tests compare with. */
export interface OutageRecord {
  start: number;
  end: number;
  /** Share of requests that fail while it lasts (1 = a clean outage). */
  fail: number;
}

export declare class Outages {
  current: OutageRecord | null;
  readonly history: OutageRecord[];
  started: number;
  start(now: number, ms: number, fail?: number): OutageRecord;
  end(now: number): void;
  get until(): number;
  active(now: number): boolean;
  hit(now: number): boolean;
}

export declare function outageControl(route: string, url: URL, outages: Outages, node: string, now: number): { status: number; body: Record<string, unknown> } | null;
