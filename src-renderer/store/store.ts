/**
 * The one renderer store, built from slices and fed by engine events. Components read single
 * values with selectors (`useConsole((s) => s.run?.state)`); they never touch the transport — they
 * call actions (actions.ts), which do.
 */
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { EngineEvent } from '../../src-main/api/index.js';
import { createAppSlice } from './app-slice.js';
import { reduceEvent } from './reduce.js';
import { createBufferSlice, createCatalogSlice, createRunSlice } from './run-slice.js';
import type { ConsoleState, Theme } from './types.js';

export type ConsoleStore = StoreApi<ConsoleState>;

/** `dismissed`: runs whose outcome banner was dismissed earlier (saved by the app, like the theme). */
export function createConsoleStore(theme: Theme = 'dark', dismissed: string[] = []): ConsoleStore {
  return createStore<ConsoleState>()((...a) => ({
    ...createAppSlice(theme, dismissed)(...a),
    ...createRunSlice(...a),
    ...createBufferSlice(...a),
    ...createCatalogSlice(...a),
  }));
}

/** Feed one event into the store; returns true when a fresh snapshot should be fetched. */
export function applyEvent(store: ConsoleStore, e: EngineEvent, localNow = Date.now()): boolean {
  const { patch, resync } = reduceEvent(store.getState(), e, localNow);
  if (Object.keys(patch).length > 0) store.setState(patch);
  return resync;
}

export const StoreContext = createContext<ConsoleStore | null>(null);

/** Read one value from the store (re-renders only when that value changes). */
export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useConsole outside <StoreContext.Provider>');
  return useStore(store, selector);
}

/** The store itself, for actions and non-React subscribers (charts, terminals). */
export function useConsoleStore(): ConsoleStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useConsoleStore outside <StoreContext.Provider>');
  return store;
}
