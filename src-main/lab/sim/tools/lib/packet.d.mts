/** Types of packet.mjs. */
export interface SimPacket {
  proto: 'tcp' | 'udp';
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  inIf?: string;
  outIf?: string;
}
export interface SimVerdict {
  verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  rule?: string;
  /** A statistic (random) match decided it: a lost packet, not a wall. */
  random: boolean;
}
export interface IptablesState {
  chains: Record<string, { policy?: string; rules: unknown[] }>;
}
export declare const PROB_SCALE: number;
export declare function inCidr(ip: string, cidr: string): boolean;
export declare function verdict(table: IptablesState | null | undefined, hook: 'INPUT' | 'OUTPUT', pkt: SimPacket, rand?: () => number): SimVerdict;
