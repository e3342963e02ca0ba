/**
 * One shared ticker for every countdown on screen, instead of a setInterval per component, so all
 * timers change on the same frame (no visual stutter between them) and there is one timer to clean.
 */
import { useSyncExternalStore } from 'react';
import { useConsole } from '../store/store.js';

/** Countdowns show whole seconds; 4 ticks a second keeps them within 250 ms of the truth. */
const TICK_MS = 250;

let now = Date.now();
const listeners = new Set<() => void>();
let handle: ReturnType<typeof setInterval> | null = null;

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  if (!handle) {
    handle = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && handle) {
      clearInterval(handle);
      handle = null;
    }
  };
}

/** Local now, re-rendering 4×/s. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** Engine time now (local clock corrected by the snapshot's serverNow). */
export function useEngineNow(): number {
  const offset = useConsole((s) => s.clockOffsetMs);
  return useNow() + offset;
}
