/**
 * Fixed header, above everything (z-index max, outside every modal backdrop): name, badges, screens,
 * run clock, theme, and STOP — which therefore can never be scrolled away or covered.
 *
 * STOP has a fixed slot at the right end, of fixed size, that nothing else may take: the other
 * parts sit in a box that shrinks (min-width 0) and, when it is too narrow for them, the tabs move
 * into a menu and then the badges take their short labels (and wrap). Which of the three layouts
 * fits is measured, not guessed from the window width, since the badges differ per mode and role.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { Badges } from './Badges.js';
import { Nav, NavMenu } from './Nav.js';
import { RunClock } from './RunClock.js';
import { StopButton } from './StopButton.js';
import { ThemeToggle } from './ThemeToggle.js';
import { chooseFit, type HeaderFit } from '../../lib/header-fit.js';

export function Header() {
  const main = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState<HeaderFit>('full');
  useLayoutEffect(() => {
    const box = main.current;
    const m = measure.current;
    if (!box || !m) return;
    const width = (sel: string): number => m.querySelector(sel)?.getBoundingClientRect().width ?? 0;
    const update = (): void => setFit(chooseFit(box.clientWidth, { brand: width('.brand'), badges: width('.badges'), tabs: width('.nav') }));
    update();
    // The box resizes with the window; the measured copy when badges or tabs change (mode, role, connection).
    const ro = new ResizeObserver(update);
    ro.observe(box);
    for (const el of Array.from(m.children)) ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return (
    <header className={`app-header fit-${fit}`} data-testid="header" data-fit={fit}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="header-measure" ref={measure} aria-hidden="true">
        <div className="brand">GAMEDAY</div>
        <Badges measure />
        <Nav measure />
      </div>
      <div className="header-main" ref={main}>
        <div className="brand" aria-label="Game-day console">
          GAMEDAY
        </div>
        <Badges compact={fit === 'compact'} />
        {fit === 'full' ? <Nav /> : <NavMenu />}
      </div>
      <RunClock />
      <ThemeToggle />
      <div className="stop-slot">
        <StopButton />
      </div>
    </header>
  );
}
