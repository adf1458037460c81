import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './utils/browser.js';
import request from 'supertest';
import { baseUrlOf } from './utils/board-fixtures.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { watchErrors } from './utils/web-app.js';

// The account pages in Debian's Chromium (set up as in web.e2e-spec.ts):
// an admin creates an account, its owner sets the password from the
// one-time link, signs in, must enrol a second factor (admins must have
// one), signs out, and signs in again with the code. Screenshots go to
// test/output/screens/account-*.png.

const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'output/screens');
const PASSWORD = 'violet-harbour-lantern-42';

describe('The account pages in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Tokens;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENS, `account-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(SCREENS, { recursive: true });
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('should take a new admin from the set-password link to signing in with a second factor', async () => {
    const created = await request(t.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ email: 'new.chair@example.org', displayName: 'Dr. New Chair', role: 'admin' });
    expect(created.status).toBe(201);
    const link = created.body.setPasswordLink as { path: string };

    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = watchErrors(await context.newPage());
    await page.goto(`${base}${link.path}`);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    // A weak password is refused where it was typed.
    await page.getByLabel('New password').fill('password1234');
    await page.getByLabel('Repeat the password').fill('password1234');
    await page.getByRole('button', { name: 'Set password' }).click();
    const weak = page.locator('#f-password-error');
    await weak.waitFor();
    expect(await weak.textContent()).toContain('too easy to guess');
    await shot(page, 'set-password-weak');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Password set' }).waitFor();
    await shot(page, 'set-password-done');

    // Sign in: an admin without a second factor lands on the account page, which asks for one.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('new.chair@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('must use a second factor');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.getByTestId('totp-uri').textContent()).toContain('otpauth://totp/Consilium:');
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await shot(page, 'totp-enrol');
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('A second factor is active').waitFor();
    await shot(page, 'totp-active');
    // The restriction is lifted: the rest of the app answers.
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    // Sign out, then in again: now the code is asked for.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill('new.chair@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').waitFor();
    await shot(page, 'sign-in-code');
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/wrong, expired or already used/);
    // The next 30-second step's code (the one used to confirm is spent).
    await page
      .getByLabel('Authentication code')
      .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    // Signing out left the page; an admin starts on administration.
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    // And the password can be changed from the account page.
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('amber-meadow-compass-77');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed').waitFor();
    await shot(page, 'password-changed');
    await context.close();
  }, 90_000);
});
