import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './utils/browser.js';
import { breastClinicBody, createClinic } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { startOidcProvider, type TestOidcProvider } from './utils/oidc-provider.js';
import { createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, shot, signedIn, VIEWPORTS, watchErrors } from './utils/web-app.js';

// Hospital sign-in in the browser: an admin configures the hospital's
// OpenID provider on the screen; a doctor clicks "Sign in with St. Mary
// Hospital", signs in on the hospital's own page (a real oidc-provider) and
// lands signed in; a refused sign-in says why in words.

const HOSPITAL = 'St. Mary Hospital';
const DOMAIN = 'stmary.example.org';
const CLINIC = 'St. Mary Breast Clinic';

describe('Hospital sign-in in the browser', () => {
  let t: TestApp;
  let op: TestOidcProvider;
  let base: string;
  let browser: Browser;
  let admin: Tokens;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    op = await startOidcProvider({ redirectUri: `${base}/` });
    t = await createTestApp({ PUBLIC_URL: base, OIDC_ALLOW_INSECURE_HTTP: 'true' });
    await t.app.listen({ port, host: '127.0.0.1' });
    admin = await login(t, await createUser(t, 'admin'));
    await createClinic(t, admin, { ...breastClinicBody(), name: CLINIC });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await op?.close();
  });

  const toast = (page: Page, text: string | RegExp) => page.locator('.toast-success', { hasText: text }).waitFor();

  /** A fresh browser at the sign-in page, clicking the hospital's button and signing in there as `username`. */
  async function signInAtHospital(username: string): Promise<Page> {
    const context = await browser.newContext({ ...VIEWPORTS.desktop, timezoneId: 'America/Denver', locale: 'en-US' });
    const page = watchErrors(await context.newPage());
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Consilium', level: 1 }).waitFor();
    await page.getByRole('button', { name: `Sign in with ${HOSPITAL}` }).click();
    // The hospital's own page (the test provider's), on its own origin.
    await page.getByRole('heading', { name: 'St. Mary Hospital sign-in' }).waitFor();
    expect(new URL(page.url()).origin).toBe(op.issuer);
    await page.getByLabel('Hospital username').fill(username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === base);
    return page;
  }

  it('should let an admin configure the hospital on the screen', async () => {
    const { context, page } = await signedIn(browser, admin);
    await page.goto(`${base}/#/admin`);
    await page.getByRole('main').getByRole('link', { name: 'Hospital sign-in' }).first().click();
    await page.getByRole('heading', { name: 'Hospital sign-in', level: 1 }).waitFor();
    await page.getByText('No hospital sign-in yet').waitFor();
    await page.getByRole('link', { name: 'New hospital sign-in' }).click();
    await page.getByRole('heading', { name: 'New hospital sign-in', level: 1 }).waitFor();

    // Nothing filled in: each field says what it needs.
    await page.getByRole('button', { name: 'Add hospital sign-in' }).click();
    await page.getByText('Give at least one e-mail domain').waitFor();
    await page.getByText('Choose what happens to new users').waitFor();
    await checkView(page, 'admin-hospital-sign-in-new-errors');

    await page.getByLabel('Name on the sign-in button').fill(HOSPITAL);
    await page.getByLabel('Issuer URL').fill(op.issuer);
    await page.getByLabel('Client ID').fill(op.clientId);
    await page.getByLabel('Client secret').fill(op.clientSecret);
    // A domain another way than the server wants it: the server's refusal shows at the field.
    await page.getByLabel('E-mail domains').fill('not a domain');
    await page.getByLabel('New users').selectOption({ label: 'Create a clinician account on first sign-in' });
    await page.getByLabel('Clinic new accounts join').selectOption({ label: CLINIC });
    await page.getByRole('button', { name: 'Add hospital sign-in' }).click();
    await page.locator('#f-idp-domains-error', { hasText: /domain name such as/ }).waitFor();
    await page.getByLabel('E-mail domains').fill(DOMAIN);
    await page.getByRole('button', { name: 'Add hospital sign-in' }).click();
    await toast(page, `${HOSPITAL} can now be used to sign in.`);
    await page.getByRole('heading', { name: HOSPITAL, level: 1 }).waitFor();
    // Where the hospital must send users back.
    expect(await page.getByLabel('Redirect URI').inputValue()).toBe(`${base}/`);
    await expect(page.getByText('A secret is stored (it is never shown)').count()).resolves.toBe(1);
    await checkView(page, 'admin-hospital-sign-in');

    await page.getByRole('link', { name: 'All hospital sign-ins' }).click();
    const row = page.getByRole('row', { name: new RegExp(HOSPITAL) });
    await row.waitFor();
    expect(await row.textContent()).toContain(DOMAIN);
    expect(await row.textContent()).toContain(CLINIC);
    await checkView(page, 'admin-hospital-sign-ins');
    await context.close();
  });

  it('should sign a doctor in through the hospital and show their name', async () => {
    op.addAccount({ login: 'ada', email: `ada.rivera@${DOMAIN}`, emailVerified: true, name: 'Dr. Ada Rivera' });
    const page = await signInAtHospital('ada');
    await page.locator('.who', { hasText: 'Dr. Ada Rivera' }).waitFor();
    // The code is gone from the address bar; no token is in it.
    expect(new URL(page.url()).search).toBe('');
    expect(page.url()).not.toMatch(/code=|eyJ/);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await checkView(page, 'hospital-signed-in');
    const members = await t.dataSource.query<{ name: string }[]>(
      `SELECT c.name FROM clinic_member m JOIN clinic c ON c.id = m.clinic_id JOIN app_user u ON u.id = m.user_id
        WHERE u.email = $1`,
      [`ada.rivera@${DOMAIN}`],
    );
    expect(members).toEqual([{ name: CLINIC }]);
    await page.context().close();
  });

  it('should say in words why a hospital sign-in was refused', async () => {
    op.addAccount({ login: 'bo', email: `bo@${DOMAIN}`, emailVerified: false, name: 'Bo' });
    const page = await signInAtHospital('bo');
    const alert = page.getByRole('alert').filter({ hasText: 'has not verified your e-mail address' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(HOSPITAL);
    // Back on the sign-in page, free to try again.
    await page.getByRole('button', { name: `Sign in with ${HOSPITAL}` }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await checkView(page, 'hospital-sign-in-refused');
    await page.context().close();
  });

  it("should not use a hospital return this tab did not start (someone else's link)", async () => {
    const context = await browser.newContext(VIEWPORTS.desktop);
    const page = watchErrors(await context.newPage());
    await page.goto(`${base}/?code=stolen&state=someone-elses&iss=${encodeURIComponent(op.issuer)}`);
    await page.getByRole('alert').filter({ hasText: 'was not started on this page' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await shot(page, 'hospital-sign-in-foreign-return');
    await context.close();
  });
});
