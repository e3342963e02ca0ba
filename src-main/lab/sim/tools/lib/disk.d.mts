/** Types of disk.mjs. */
export interface DiskConfig {
  rootKb: number;
  rootUsedKb: number;
  dataKb: number;
  dataUsedKb: number;
}
export interface DiskUsage {
  sizeKb: number;
  usedKb: number;
  availKb: number;
  usedPct: number;
}
export declare const DATA_REL: string;
export declare const DEFAULT_DISK: DiskConfig;
export declare function dataDisk(root: string, cfg?: { disk?: Partial<DiskConfig> }): DiskUsage & { dataDir: string };
export declare function rootDisk(cfg?: { disk?: Partial<DiskConfig> }): DiskUsage;
