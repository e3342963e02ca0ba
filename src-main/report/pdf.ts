/**
 * PDF through Chromium's own print engine, from the HTML report (its print CSS sets A4 and the
 * margins). The printer is injectable: the CLI launches headless Chromium with playwright-core;
 * the Electron app passes its own `webContents.printToPDF` and never loads playwright.
 */

/** Turns a self-contained HTML page into PDF bytes. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

/** Where Debian's chromium package puts the browser; override with $GAMEDAY_CHROMIUM. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a one-page-at-a-time print job that must not touch the network: no sandbox (we run as
 * root in CI, where the sandbox cannot start), no GPU, and no background traffic or updates.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

const FOOTER = '<div style="font-size:7pt;color:#64748b;width:100%;text-align:center;font-family:Helvetica,Arial,sans-serif">Game-day post-mortem · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>';

/** The PDF printer the CLI uses: headless Chromium via playwright-core, `page.pdf()` A4. */
export async function chromiumPrinter(html: string): Promise<Uint8Array> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.GAMEDAY_CHROMIUM ?? DEFAULT_CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // The page loads nothing (no external resource), so 'load' is enough and never waits on the network.
    await page.setContent(html, { waitUntil: 'load' });
    // Page numbers in the bottom margin; static text only (the templates are HTML, and nothing from the audit goes in).
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: FOOTER });
  } finally {
    await browser.close();
  }
}

/** PDF bytes of the HTML report, printed by `printer` (default: headless Chromium). */
export function renderPdf(html: string, printer: PdfPrinter = chromiumPrinter): Promise<Uint8Array> {
  return printer(html);
}
