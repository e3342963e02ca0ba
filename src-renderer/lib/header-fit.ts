/** Which header layout fits (see components/common/Header.tsx): pure, so it is unit-tested. */

export type HeaderFit = 'full' | 'menu' | 'compact';

/** Room the menu button takes ("☰ Preflight" and the live dot), in px. */
const MENU_BUTTON_PX = 150;
/** The gap between header parts (matches `.header-main { gap }`), in px. */
const GAP_PX = 14;

/** Which layout fits `available` px, given the natural widths of the parts (pure, unit-tested). */
export function chooseFit(available: number, w: { brand: number; badges: number; tabs: number }): HeaderFit {
  const badges = w.badges > 0 ? w.badges + GAP_PX : 0;
  if (w.brand + badges + GAP_PX + w.tabs <= available) return 'full';
  if (w.brand + badges + GAP_PX + MENU_BUTTON_PX <= available) return 'menu';
  return 'compact';
}
