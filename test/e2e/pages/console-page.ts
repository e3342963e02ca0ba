/**
 * Page object for the console UI: every locator the e2e tests use lives here, named by what the
 * user sees, and every wait is on app state (data attributes), never on time.
 */
import type { Locator, Page } from 'playwright-core';

/** Long enough for SSH to the lab on a loaded 2-core machine; the waits end as soon as the state is there. */
const STATE_TIMEOUT_MS = 60_000;

export class ConsolePage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('[data-app-state="ready"]').waitFor({ timeout: STATE_TIMEOUT_MS });
  }

  get stop(): Locator {
    return this.page.getByTestId('stop');
  }
  get stopResult(): Locator {
    return this.page.getByTestId('stop-result');
  }
  stopNode(node: string): Locator {
    return this.page.getByTestId(`stop-node-${node}`);
  }
  nav(screen: 'home' | 'scenario' | 'preflight' | 'live' | 'report' | 'audit'): Locator {
    return this.page.getByTestId(`nav-${screen}`);
  }
  /** Go to a screen by its tab, through the header's menu when the window is too narrow for the tabs. */
  async goTo(screen: 'home' | 'scenario' | 'preflight' | 'live' | 'report' | 'debrief' | 'audit'): Promise<void> {
    const tab = this.page.getByTestId(`nav-${screen}`);
    const menu = this.page.getByTestId('nav-menu');
    // The header measures itself after a resize: tabs and menu may trade places while we look.
    for (let attempt = 0; attempt < 10; attempt++) {
      await tab.or(menu).first().waitFor({ state: 'visible', timeout: STATE_TIMEOUT_MS });
      if (await tab.isVisible()) {
        if (await tab.click({ timeout: 5_000 }).then(() => true, () => false)) break;
      } else if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click({ timeout: 5_000 }).catch(() => undefined);
      else await tab.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
    await this.screen(screen).first().waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  screen(name: string): Locator {
    return this.page.locator(`[data-screen="${name}"]`);
  }

  // Home
  scenario(fileName: string): Locator {
    return this.page.locator(`[data-testid="scenario-item"][data-file$="${fileName}"]`);
  }
  get toast(): Locator {
    return this.page.getByTestId('toast');
  }

  // Scenario
  get editor(): Locator {
    return this.page.getByTestId('yaml-editor');
  }
  get problems(): Locator {
    return this.page.getByTestId('problems');
  }
  get problemItems(): Locator {
    return this.page.getByTestId('problem');
  }
  get runbook(): Locator {
    return this.page.getByTestId('runbook');
  }
  async openScenario(fileName: string): Promise<void> {
    await this.scenario(fileName).click();
    await this.page.locator('[data-screen="scenario"][data-loaded="true"]').waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  async waitValid(): Promise<void> {
    await this.page.locator('[data-testid="problems"][data-valid="true"]').waitFor({ timeout: STATE_TIMEOUT_MS });
  }

  // Preflight
  get toPreflight(): Locator {
    return this.page.getByTestId('to-preflight');
  }
  async waitPreflight(): Promise<'ok' | 'failed'> {
    const done = this.page.locator('[data-screen="preflight"]:is([data-preflight="ok"], [data-preflight="failed"])');
    await done.waitFor({ timeout: STATE_TIMEOUT_MS });
    return (await done.getAttribute('data-preflight')) as 'ok' | 'failed';
  }
  cell(node: string, fault: string): Locator {
    return this.page.getByTestId(`cell-${node}-${fault}`);
  }
  get commander(): Locator {
    return this.page.getByTestId('commander');
  }
  get startRun(): Locator {
    return this.page.getByTestId('start-run');
  }

  // Live
  runState(state: string): Locator {
    return this.page.locator(`[data-screen="live"][data-run-state="${state}"]`);
  }
  step(id: string): Locator {
    return this.page.getByTestId(`step-${id}`);
  }
  /** Wait until step `id` has one of these statuses. */
  async waitStep(id: string, ...statuses: string[]): Promise<void> {
    const any = statuses.map((st) => `[data-status="${st}"]`).join(', ');
    await this.page.locator(`[data-testid="step-${id}"]:is(${any})`).waitFor({ timeout: STATE_TIMEOUT_MS });
  }
  get advance(): Locator {
    return this.page.getByTestId('advance');
  }
  get approve(): Locator {
    return this.page.getByTestId('approve');
  }
  get approver(): Locator {
    return this.page.getByTestId('approver');
  }
  get approveSubmit(): Locator {
    return this.page.getByTestId('approve-submit');
  }
  get approveError(): Locator {
    return this.page.getByTestId('approve-error');
  }
  get approvedBy(): Locator {
    return this.page.getByTestId('approved-by');
  }
  fault(node: string, kind: string): Locator {
    return this.page.getByTestId(`fault-${node}-${kind}`);
  }
  get timers(): Locator {
    return this.page.getByTestId('timer');
  }
  get phaseCountdown(): Locator {
    return this.page.getByTestId('phase-countdown');
  }
  chart(probeId: string): Locator {
    return this.page.getByTestId(`chart-${probeId}`);
  }
  get runClock(): Locator {
    return this.page.getByTestId('run-clock');
  }

  // Report and audit
  exportButton(format: 'md' | 'html' | 'pdf' | 'json'): Locator {
    return this.page.getByTestId(`export-${format}`);
  }
  exported(format: 'md' | 'html' | 'pdf' | 'json'): Locator {
    return this.page.getByTestId(`exported-${format}`);
  }
  get verify(): Locator {
    return this.page.getByTestId('audit-verify');
  }
  get verifyResult(): Locator {
    return this.page.getByTestId('audit-verify-result');
  }
}
