/** Types of systemd.mjs. */
export interface SimUnit {
  active?: boolean;
  transient?: boolean;
  pid?: number;
  mainPid?: number;
  description?: string;
  startRequestedAt?: number;
}
export declare function unitActive(u: SimUnit | undefined): boolean;
