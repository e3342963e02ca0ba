/**
 * Fixed header, above everything (z-index max, outside every modal backdrop): name, badges, screens,
 * run clock, theme, and STOP — which therefore can never be scrolled away or covered.
 */
import { Badges } from './Badges.js';
import { Nav } from './Nav.js';
import { RunClock } from './RunClock.js';
import { StopButton } from './StopButton.js';
import { ThemeToggle } from './ThemeToggle.js';

export function Header() {
  return (
    <header className="app-header" data-testid="header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand" aria-label="Game-day console">
        GAMEDAY
      </div>
      <Badges />
      <Nav />
      <div className="header-spacer" />
      <RunClock />
      <ThemeToggle />
      <StopButton />
    </header>
  );
}
