/**
 * Page object for drills and the debrief (facilitator, trainee): locators by what the user sees,
 * waits on app state (data attributes), never on time.
 */
import type { Locator, Page } from 'playwright-core';
import { ConsolePage } from './console-page.js';

const STATE_TIMEOUT_MS = 60_000;

export class DrillPage extends ConsolePage {
  constructor(page: Page) {
    super(page);
  }

  get drillCard(): Locator {
    return this.page.getByTestId('drill-card');
  }
  mode(m: 'gameday' | 'drill' | 'rehearsal'): Locator {
    return this.page.getByTestId(`mode-${m}`);
  }

  // Facilitator
  get facilitatorPanel(): Locator {
    return this.page.getByTestId('facilitator-panel');
  }
  reveal(index: number): Locator {
    return this.page.getByTestId(`reveal-${index}`);
  }
  accept(declarationId: number): Locator {
    return this.page.getByTestId(`accept-${declarationId}`);
  }
  declarations(kind?: 'detected' | 'mitigated'): Locator {
    return this.page.locator(`[data-testid^="declaration-"]${kind ? `[data-kind="${kind}"]` : ''}`);
  }

  // Trainee
  hint(index: number): Locator {
    return this.page.getByTestId(`hint-${index}`);
  }
  async waitHintRevealed(index: number): Promise<void> {
    await this.page.locator(`[data-testid="hint-${index}"][data-revealed="true"]`).waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  declare(kind: 'detected' | 'mitigated'): Locator {
    return this.page.getByTestId(`declare-${kind}`);
  }
  get traineeName(): Locator {
    return this.page.getByTestId('trainee-name');
  }
  diagnosis(choice: string): Locator {
    return this.page.locator(`[data-testid="diagnosis-choice"][value="${choice}"]`);
  }
  get declareNotes(): Locator {
    return this.page.getByTestId('declare-notes');
  }
  get declareSubmit(): Locator {
    return this.page.getByTestId('declare-submit');
  }
  get shellNode(): Locator {
    return this.page.getByLabel('Node for the shell');
  }
  get openShell(): Locator {
    return this.page.getByRole('button', { name: 'Open shell' });
  }
  get shellTerminal(): Locator {
    return this.page.getByTestId('shell-terminal');
  }

  // Debrief
  get toDebrief(): Locator {
    return this.page.getByTestId('to-debrief');
  }
  get debrief(): Locator {
    return this.page.locator('[data-screen="debrief"][data-debrief="ready"]');
  }
  async waitDebrief(): Promise<void> {
    await this.debrief.waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  get scrubber(): Locator {
    return this.page.getByTestId('replay-scrubber');
  }
  speed(x: 1 | 10 | 60 | 600): Locator {
    return this.page.getByTestId(`replay-speed-${x}`);
  }
  get play(): Locator {
    return this.page.getByTestId('replay-play');
  }
  /** Wait until every replay chart is drawn at the playhead (charts redraw on their own clock). */
  async waitChartsAtPlayhead(): Promise<void> {
    const at = await this.debrief.getAttribute('data-at');
    const charts = this.page.locator('[data-testid^="replay-chart-"]');
    const n = await charts.count();
    for (let i = 0; i < n; i++) await this.page.locator(`[data-testid^="replay-chart-"][data-cursor="${at}"]`).nth(i).waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  async position(): Promise<{ at: number; of: number; ended: boolean }> {
    const d = this.debrief;
    return { at: Number(await d.getAttribute('data-position')), of: Number(await d.getAttribute('data-duration')), ended: (await d.getAttribute('data-ended')) === 'true' };
  }
}
