import { createRoot } from 'react-dom/client';

/** Placeholder window until the console UI lands: says what the app is and where to start. */
function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', color: '#e8e8e8', background: '#0f1115', minHeight: '100vh', padding: 32 }}>
      <h1>Game-day console</h1>
      <p>The desktop console is being built. Use the CLI meanwhile: <code>gameday --help</code>.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
