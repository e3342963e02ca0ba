/** Types of tc.mjs. */
import type { SimPacket } from './packet.mjs';
export interface TcState {
  devs: Record<string, unknown>;
}
export interface Shaping {
  delayMs: number;
  jitterMs: number;
  /** tbf rate in bit/s (0 = none). */
  rateBps: number;
  /** tbf queue limit in ms. */
  latencyMs: number;
  /** netem corrupt/loss %. */
  corruptPct: number;
}
export declare function emptyTc(): TcState;
export declare function shaping(t: TcState | null | undefined, dev: string, pkt: SimPacket): Shaping | null;
