/**
 * Page object for what issue 11 added to the screens: which run a screen is about, the outcome
 * banner, run pickers, exports, the audit table. Waits are on app state, never on time.
 */
import type { Locator } from 'playwright-core';
import { ConsolePage } from './console-page.js';

export class ScreensPage extends ConsolePage {
  get outcome(): Locator {
    return this.page.getByTestId('stop-result');
  }
  get outcomeHeadline(): Locator {
    return this.page.getByTestId('outcome-headline');
  }
  get dismissOutcome(): Locator {
    return this.page.getByTestId('dismiss-outcome');
  }
  get runIdentity(): Locator {
    return this.page.getByTestId('run-identity');
  }
  picker(screen: 'report' | 'debrief' | 'audit'): Locator {
    return this.page.getByTestId(`${screen}-run-picker`);
  }
  recentRun(runId: string): Locator {
    return this.page.locator(`[data-testid="recent-run"][data-run-id="${runId}"]`);
  }
  get approverChoices(): Locator {
    return this.page.getByTestId('approver-choice');
  }
  get execWrap(): Locator {
    return this.page.getByTestId('exec-terminal-wrap');
  }
  get auditRows(): Locator {
    return this.page.getByTestId('audit-row');
  }
  get auditMore(): Locator {
    return this.page.getByTestId('audit-more');
  }
  get auditKind(): Locator {
    return this.page.getByTestId('audit-kind');
  }
  /** The audit screen once the rows for this filter (run id, kind) came back; the number of rows. */
  async auditLoaded(runId: string, kind: string): Promise<number> {
    const el = this.page.locator(`[data-screen="audit"][data-loaded-for="${runId}|${kind}"]`);
    await el.waitFor({ timeout: 60_000 });
    return Number(await el.getAttribute('data-events'));
  }
}
