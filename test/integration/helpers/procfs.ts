/**
 * Host-side /proc readings for host faults (the lab's nodes share the host's kernel and pid
 * namespace, so the host sees a node's stress-ng, its memory and its I/O directly).
 */
import { readFileSync, statfsSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks of USER_HZ, which is 100 on every mainstream arch. */
const USER_HZ = 100;

function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": index 0 is field 3 (state), so field N is at N - 3.
    return s.slice(s.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a set of processes has used so far; gone processes count 0. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[14 - 3]) + Number(f[15 - 3]);
  }
  return ticks / USER_HZ;
}

function statusKb(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a set of processes, bytes. */
export function rssBytes(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS') * 1024, 0);
}

/** Bytes a set of processes has passed to write()-family calls (/proc/<pid>/io wchar). */
export function wcharBytes(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = /^wchar:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
      sum += m ? Number(m[1]) : 0;
    } catch {
      /* exited */
    }
  }
  return sum;
}

/** One /proc/meminfo field, bytes. */
function meminfo(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** MemAvailable from /proc/meminfo, bytes. */
export function memAvailable(): number {
  return meminfo('MemAvailable');
}

/** AnonPages from /proc/meminfo, bytes: anonymous memory every process holds, freed as they exit. */
export function anonPages(): number {
  return meminfo('AnonPages');
}

/** Used share (0..1) of the filesystem holding `path`, as df computes it: used / (used + avail). */
export function usedShare(path: string): { used: number; free: number; totalBytes: number } {
  const s = statfsSync(path);
  const used = s.blocks - s.bfree;
  return { used: used / (used + s.bavail), free: s.bavail / s.blocks, totalBytes: s.blocks * s.bsize };
}
