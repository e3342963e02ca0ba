/**
 * Renderer entry: choose the transport (Electron preload or bridge WebSocket), build the one store,
 * connect the engine's events to it, and render.
 */
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/overlays.css';
import './styles/editor.css';
import './styles/run.css';
import './styles/run-panels.css';
import './styles/drill.css';
import './styles/debrief.css';
import './styles/screens.css';
import { App, initialDismissed, initialTheme } from './App.js';
import { ActionsContext, createActions } from './store/actions.js';
import { createConsoleStore, StoreContext } from './store/store.js';
import { chooseTransport } from './transport/choose.js';

const root = createRoot(document.getElementById('root')!);
const choice = chooseTransport(window);
if (!choice.ok) {
  root.render(
    <main className="fatal" data-app-state="error">
      <h1>Game-day console</h1>
      <p>{choice.reason}</p>
    </main>,
  );
} else {
  const store = createConsoleStore(initialTheme(), initialDismissed());
  const actions = createActions(store, choice.transport);
  actions.boot();
  root.render(
    <StoreContext.Provider value={store}>
      <ActionsContext.Provider value={actions}>
        <App />
      </ActionsContext.Provider>
    </StoreContext.Provider>,
  );
}
