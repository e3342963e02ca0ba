/** Dark/light toggle (the initial theme follows prefers-color-scheme; the choice is remembered). */
import { useConsole } from '../../store/store.js';

export function ThemeToggle() {
  const theme = useConsole((s) => s.theme);
  const setTheme = useConsole((s) => s.setTheme);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="icon-button" aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`} onClick={() => setTheme(next)}>
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
