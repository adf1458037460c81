import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launchChromium } from './utils/browser.js';
import { checkView, expectNoHorizontalScroll, seriousViolations, VIEWPORTS, watchErrors } from './utils/web-app.js';

// The checks every browser test runs on every view must be able to fail:
// shown here on pages built to break them.
const META = '<meta name="viewport" content="width=device-width, initial-scale=1">';

describe('The browser tests’ own checks', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('should report an unlabelled button and an image without text as serious or critical', async () => {
    const page = await browser.newPage();
    await page.setContent('<html lang="en"><body><main><img src="x.png"><button></button></main></body></html>');
    expect((await seriousViolations(page)).map((v) => v.id)).toEqual(
      expect.arrayContaining(['button-name', 'image-alt']),
    );
    await page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main><h1>Fine</h1></main></body></html>',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('should refuse a page wider than a phone', async () => {
    const context = await browser.newContext(VIEWPORTS.phone);
    const page = await context.newPage();
    await page.setContent(META + '<body style="margin:0"><div style="width:600px">wide</div></body>');
    await expect(expectNoHorizontalScroll(page, 'wide')).rejects.toThrow();
    await page.setContent(
      META +
        '<body style="margin:0"><div class="table-wrap" style="overflow-x:auto"><div style="width:600px">wide</div></div></body>',
    );
    await expectNoHorizontalScroll(page, 'scrolls inside its own box');
    await context.close();
  });

  it('should fail a view whose script threw, even when it looks fine', async () => {
    const page = watchErrors(await browser.newPage());
    await page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main><h1>Fine</h1></main></body></html>',
    );
    await checkView(page, 'checks-no-error');
    await page.evaluate('setTimeout(() => { throw new Error("a view crashed") })');
    await page.waitForTimeout(50);
    await expect(checkView(page, 'checks-script-error')).rejects.toThrow(/a view crashed/);
    await page.close();
  });
});
