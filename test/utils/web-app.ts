import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Tokens } from './test-app.js';

// What every browser test of the app shares: the viewports users have, a
// signed-in context, screenshots, axe-core and the no-horizontal-scroll check.

/** Where the tests save screenshots of every view (not committed; .github/screenshots holds the chosen few). */
export const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../output/screens');

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 860 } },
  /** A 10-inch tablet held landscape, used with a finger. */
  tablet: { viewport: { width: 1024, height: 768 }, hasTouch: true },
  /** A phone (iPhone 12–15 size). */
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
} satisfies Record<string, BrowserContextOptions>;
export type ViewportName = keyof typeof VIEWPORTS;

/** A context already signed in with these tokens (the sign-in form has its own tests). */
export async function signedIn(
  browser: Browser,
  tokens: Tokens,
  viewport: ViewportName = 'desktop',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...VIEWPORTS[viewport], timezoneId: 'America/Denver', locale: 'en-US' });
  await context.addInitScript({
    content: `sessionStorage.setItem('consilium.tokens', ${JSON.stringify(JSON.stringify(tokens))})`,
  });
  const page = watchErrors(await context.newPage());
  return { context, page };
}

/** Saves a full-page screenshot as test/output/screens/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Browser-side code as strings: the tests are compiled without the DOM's types.
  // Evaluated through the debugging protocol, which the app's CSP (script-src 'self') does not
  // govern: a <script> tag would be refused, and the CSP is not loosened for tests.
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with axe's own words (rule, help, elements) when the view has a serious or critical violation. */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  const found = (await seriousViolations(page)).map(
    (v) => `${view}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(found).toEqual([]);
}

/** Fails when the page scrolls sideways (content wider than the viewport). */
export async function expectNoHorizontalScroll(page: Page, view: string): Promise<void> {
  const overflow = await page.evaluate<{ scrollWidth: number; width: number; wide: string[] }>(`(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((el) => !el.closest('.table-wrap, .scroll-x, dialog:not([open])'))
      .slice(-5)
      .map((el) => el.tagName.toLowerCase() + (el.id === '' ? '' : '#' + el.id) + '.' + [...el.classList].join('.') +
        ' right=' + Math.round(el.getBoundingClientRect().right) + ' "' + (el.textContent ?? '').slice(0, 30) + '"');
    return { scrollWidth: root.scrollWidth, width: root.clientWidth, wide };
  })()`);
  expect({ view, ...overflow, fits: overflow.scrollWidth <= overflow.width }).toEqual({
    view,
    ...overflow,
    fits: true,
  });
}

const pageErrors = new WeakMap<Page, string[]>();

/** Records the page's uncaught script errors, so that checkView fails on a view that threw. */
export function watchErrors(page: Page): Page {
  if (!pageErrors.has(page)) {
    const seen: string[] = [];
    pageErrors.set(page, seen);
    page.on('pageerror', (e) => seen.push(e.message));
  }
  return page;
}

/** Everything a view is checked for (no script error, axe, no sideways scroll), then its screenshot. */
export async function checkView(page: Page, name: string): Promise<void> {
  expect({ view: name, scriptErrors: pageErrors.get(watchErrors(page)) }).toEqual({ view: name, scriptErrors: [] });
  await expectAccessible(page, name);
  await expectNoHorizontalScroll(page, name);
  await shot(page, name);
}
