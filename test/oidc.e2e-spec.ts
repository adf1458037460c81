import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { createClinic } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { CookieFetch, startOidcProvider, type TestOidcProvider } from './utils/oidc-provider.js';
import {
  anonymousRefusals,
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  TEST_PASSWORD,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

// Hospital sign-in against a real OpenID provider (oidc-provider) started
// here: authorization code with PKCE, matched or provisioned accounts,
// Consilium's own tokens, and every way it must refuse, each audited.

const DOMAIN = 'stmary.example.org';
const NEW_DOMAIN = 'stjude.example.org';

interface Flow {
  jar: CookieFetch;
  /** The provider's authorization URL Consilium gave the web app. */
  authUrl: string;
  /** Where the provider sent the browser back (the web app, with code, state and iss). */
  returnUrl: string;
  /** What the web app posts to Consilium's callback. */
  body: Record<string, string>;
}

describe('Hospital sign-in (OpenID Connect)', () => {
  let t: TestApp;
  let op: TestOidcProvider;
  let impostor: Server;
  let base: string;
  let admin: Tokens;
  let clinicId: string;
  let stMary: string;
  let stJude: string;
  let wrongIssuer: string;

  const start = (providerId: string) => request(t.http).post(`/api/auth/oidc/${providerId}/start`);
  const callback = (body: Record<string, string>) => request(t.http).post('/api/auth/oidc/callback').send(body);

  /** A browser's walk: Consilium's start, the provider's login page, back to the web app. */
  async function walk(providerId: string, username: string): Promise<Flow> {
    const jar = new CookieFetch();
    const started = await start(providerId);
    expect(started.status).toBe(200);
    const authUrl = (started.body as { authorizationUrl: string }).authorizationUrl;
    const toLogin = await jar.get(authUrl);
    const loginPage = new URL(toLogin.headers.get('location') ?? '', authUrl).href;
    expect(loginPage).toMatch(/\/interaction\//);
    const page = await jar.get(loginPage);
    expect(await page.text()).toContain('Hospital username');
    const submitted = await jar.post(`${loginPage}/login`, { login: username });
    const returnUrl = await jar.follow(submitted, `${loginPage}/login`, new URL(base).host);
    const back = new URL(returnUrl);
    expect(`${back.origin}${back.pathname}`).toBe(`${base}/`);
    const body: Record<string, string> = {};
    for (const [k, v] of back.searchParams) body[k === 'error_description' ? 'errorDescription' : k] = v;
    return { jar, authUrl, returnUrl, body };
  }

  /** The walk, then the web app's post: Consilium's answer. */
  async function signIn(providerId: string, username: string): Promise<request.Response> {
    return callback((await walk(providerId, username)).body);
  }

  const refusal = (res: request.Response): [number, unknown] => [res.status, (res.body as { code?: unknown }).code];

  async function addProvider(body: Record<string, unknown>): Promise<string> {
    const res = await request(t.http)
      .post('/api/identity-providers')
      .set(bearer(admin))
      .send({ issuerUrl: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, ...body });
    if (res.status !== 201) throw new Error(`provider: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    op = await startOidcProvider({ redirectUri: `${base}/` });
    // Serves the real provider's metadata under another address: an issuer that is not who it says.
    const impostorPort = await freePort();
    impostor = createServer((req, res) => {
      void fetch(`${op.issuer}${req.url ?? '/'}`).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(await r.text());
      });
    });
    await new Promise<void>((resolve) => impostor.listen(impostorPort, '127.0.0.1', resolve));
    t = await createTestApp({ PUBLIC_URL: base, OIDC_ALLOW_INSECURE_HTTP: 'true' });
    await t.app.listen({ port, host: '127.0.0.1' });
    admin = await login(t, await createUser(t, 'admin'));
    clinicId = (await createClinic(t, admin)).id;
    stMary = await addProvider({ name: 'St. Mary Hospital', emailDomains: [DOMAIN], provisioning: 'match_only' });
    stJude = await addProvider({
      name: 'St. Jude Hospital',
      emailDomains: [NEW_DOMAIN],
      provisioning: 'create_clinician',
      clinicId,
    });
    wrongIssuer = await addProvider({
      name: 'Impostor',
      issuerUrl: `http://127.0.0.1:${impostorPort}`,
      emailDomains: ['impostor.example.org'],
      provisioning: 'match_only',
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await op?.close();
    await new Promise((resolve) => impostor?.close(resolve));
  });

  it('should sign an existing user in end to end, with working tokens, matching the e-mail case-insensitively', async () => {
    const user = await createUser(t, 'clinician', { email: `ada.rivera@${DOMAIN}` });
    op.addAccount({ login: 'ada', email: `Ada.Rivera@${DOMAIN.toUpperCase()}`, emailVerified: true, name: 'Ada R.' });
    const before = await lastAuditId(t);

    const flow = await walk(stMary, 'ada');
    // PKCE S256, state and nonce went to the provider; it came back to the web app.
    const auth = new URL(flow.authUrl);
    expect(auth.origin).toBe(op.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('state')).toMatch(/\S{20,}/);
    expect(auth.searchParams.get('nonce')).toMatch(/\S{20,}/);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${base}/`);
    expect(flow.body).toMatchObject({
      state: auth.searchParams.get('state'),
      iss: op.issuer,
      code: expect.any(String),
    });

    const res = await callback(flow.body);
    expect(res.status).toBe(200);
    const tokens = res.body as Tokens;
    const me = await request(t.http).get('/api/users/me').set(bearer(tokens));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, role: 'clinician' });
    // The refresh token works as after a password sign-in.
    const refreshed = await request(t.http).post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);

    const rows = await auditRowsAfter(t, before);
    expect(rows.filter((r) => r.action.startsWith('auth.oidc')).map((r) => [r.action, r.outcome, r.actor_id])).toEqual([
      ['auth.oidc.callback', 'success', user.id],
    ]);
  });

  it('should refuse an unknown user when the provider only matches accounts, and audit it', async () => {
    op.addAccount({ login: 'stranger', email: `stranger@${DOMAIN}`, emailVerified: true, name: 'S' });
    const before = await lastAuditId(t);
    const res = await signIn(stMary, 'stranger');
    expect(refusal(res)).toEqual([403, 'unknown_account']);
    expect(res.body).toMatchObject({ detail: expect.stringMatching(/no Consilium account for your e-mail/) });
    const rows = await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM app_user WHERE email = $1`, [
      `stranger@${DOMAIN}`,
    ]);
    expect(rows[0]?.n).toBe(0);
    expect((await auditRowsAfter(t, before)).map((r) => [r.action, r.outcome, r.reason, r.entity_id])).toContainEqual([
      'auth.oidc.callback',
      'denied',
      'unknown_account',
      stMary,
    ]);
  });

  it("should provision a clinician in the provider's clinic, once", async () => {
    op.addAccount({ login: 'bo', email: `bo.chen@${NEW_DOMAIN}`, emailVerified: true, name: 'Dr. Bo Chen' });
    const before = await lastAuditId(t);
    const res = await signIn(stJude, 'bo');
    expect(res.status).toBe(200);
    const tokens = res.body as Tokens;
    const me = await request(t.http).get('/api/users/me').set(bearer(tokens));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: `bo.chen@${NEW_DOMAIN}`, displayName: 'Dr. Bo Chen', role: 'clinician' });
    const id = (me.body as { id: string }).id;
    const members = await t.dataSource.query<{ clinic_id: string }[]>(
      `SELECT clinic_id FROM clinic_member WHERE user_id = $1`,
      [id],
    );
    expect(members).toEqual([{ clinic_id: clinicId }]);
    // The clinic is theirs to see.
    const clinic = await request(t.http).get(`/api/clinics/${clinicId}`).set(bearer(tokens));
    expect(clinic.status).toBe(200);
    const rows = await auditRowsAfter(t, before);
    expect(rows.filter((r) => r.action === 'user.provision').map((r) => [r.outcome, r.entity_id])).toEqual([
      ['success', id],
    ]);

    // A second sign-in matches the account made by the first.
    const again = (await signIn(stJude, 'bo')).body as Tokens;
    expect((await request(t.http).get('/api/users/me').set(bearer(again))).body).toMatchObject({ id });
    const count = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM app_user WHERE email = $1`,
      [`bo.chen@${NEW_DOMAIN}`],
    );
    expect(count[0]?.n).toBe(1);
  });

  it('should refuse an e-mail the provider has not verified, or of another domain', async () => {
    await createUser(t, 'clinician', { email: `unverified@${DOMAIN}` });
    op.addAccount({ login: 'unverified', email: `unverified@${DOMAIN}`, emailVerified: false, name: 'U' });
    op.addAccount({ login: 'foreign', email: `someone@${NEW_DOMAIN}`, emailVerified: true, name: 'F' });
    const before = await lastAuditId(t);
    expect(refusal(await signIn(stMary, 'unverified'))).toEqual([403, 'email_not_verified']);
    // St. Mary's provider cannot sign anyone in as a St. Jude user.
    expect(refusal(await signIn(stMary, 'foreign'))).toEqual([403, 'email_domain_not_allowed']);
    expect(
      (await auditRowsAfter(t, before)).filter((r) => r.outcome === 'denied').map((r) => [r.action, r.reason]),
    ).toEqual([
      ['auth.oidc.callback', 'email_not_verified'],
      ['auth.oidc.callback', 'email_domain_not_allowed'],
    ]);
  });

  it('should refuse a provider whose metadata names another issuer than the one configured', async () => {
    const before = await lastAuditId(t);
    const res = await start(wrongIssuer);
    expect(refusal(res)).toEqual([403, 'issuer_mismatch']);
    expect(res.body).toMatchObject({ detail: expect.stringMatching(/did not identify itself/) });
    expect((await auditRowsAfter(t, before)).map((r) => [r.action, r.outcome, r.reason, r.entity_id])).toEqual([
      ['auth.oidc.start', 'denied', 'issuer_mismatch', wrongIssuer],
    ]);
    const rows = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM oidc_login_state WHERE provider_id = $1`,
      [wrongIssuer],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('should refuse a bad state, a replayed callback and a code replayed with a fresh state', async () => {
    await createUser(t, 'clinician', { email: `cy@${DOMAIN}` });
    op.addAccount({ login: 'cy', email: `cy@${DOMAIN}`, emailVerified: true, name: 'Cy' });
    const flow = await walk(stMary, 'cy');
    expect((await callback(flow.body)).status).toBe(200);
    const code = flow.body.code ?? '';

    // A state Consilium never issued; and none at all.
    const counted = () => anonymousRefusals(t, { action: 'auth.oidc.callback', reason: 'invalid_state' });
    const badStateBefore = await counted();
    const bad = await callback({ code, state: 'not-a-state', iss: op.issuer });
    expect(refusal(bad)).toEqual([400, 'invalid_state']);
    expect(bad.body).toMatchObject({ detail: expect.stringMatching(/unknown, expired or already used/) });
    const none = await callback({ code });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: 'state', messages: expect.any(Array) }]);

    // The very same callback again: its state is used up.
    expect(refusal(await callback(flow.body))).toEqual([400, 'invalid_state']);
    // Refusals that name no one are counted (see the audit module), not appended.
    expect(await counted()).toBe(badStateBefore + 2);

    // The used code with a fresh, valid state: the provider refuses the code, and Consilium with it.
    const before = await lastAuditId(t);
    const fresh = await start(stMary);
    const state =
      new URL((fresh.body as { authorizationUrl: string }).authorizationUrl).searchParams.get('state') ?? '';
    expect(refusal(await callback({ code, state, iss: op.issuer }))).toEqual([400, 'invalid_code']);
    expect((await auditRowsAfter(t, before)).map((r) => [r.action, r.outcome, r.reason, r.entity_id])).toEqual([
      ['auth.oidc.callback', 'denied', 'invalid_code', stMary],
    ]);
  });

  it('should refuse a sign-in the user cancelled at the provider', async () => {
    const fresh = await start(stMary);
    const state =
      new URL((fresh.body as { authorizationUrl: string }).authorizationUrl).searchParams.get('state') ?? '';
    const before = await lastAuditId(t);
    const res = await callback({ state, iss: op.issuer, error: 'access_denied', errorDescription: 'End-User aborted' });
    expect(refusal(res)).toEqual([400, 'provider_error']);
    expect((await auditRowsAfter(t, before)).map((r) => [r.action, r.outcome, r.reason])).toEqual([
      ['auth.oidc.callback', 'denied', 'provider_error'],
    ]);
  });

  it('should refuse disabled accounts and admins (who keep their password and second factor)', async () => {
    const disabled = await createUser(t, 'clinician', { email: `gone@${DOMAIN}` });
    await t.dataSource.query(`UPDATE app_user SET active = false WHERE id = $1`, [disabled.id]);
    const chief = await createUser(t, 'admin', { email: `chief@${DOMAIN}` });
    op.addAccount({ login: 'gone', email: `gone@${DOMAIN}`, emailVerified: true, name: 'G' });
    op.addAccount({ login: 'chief', email: `chief@${DOMAIN}`, emailVerified: true, name: 'C' });
    const before = await lastAuditId(t);
    expect(refusal(await signIn(stMary, 'gone'))).toEqual([403, 'account_disabled']);
    expect(refusal(await signIn(stMary, 'chief'))).toEqual([403, 'admin_not_allowed']);
    expect(
      (await auditRowsAfter(t, before)).filter((r) => r.outcome === 'denied').map((r) => [r.reason, r.actor_id]),
    ).toEqual([
      ['account_disabled', disabled.id],
      ['admin_not_allowed', chief.id],
    ]);
  });

  it('should list only enabled providers for the sign-in screen, and refuse a disabled one', async () => {
    const list = await request(t.http).get('/api/auth/oidc/providers');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ passwordLoginEnabled: true });
    const names = (list.body as { items: { name: string }[] }).items.map((i) => i.name);
    expect(names).toEqual(['Impostor', 'St. Jude Hospital', 'St. Mary Hospital']);
    const off = await addProvider({
      name: 'Switched off',
      emailDomains: ['off.example.org'],
      provisioning: 'match_only',
      enabled: false,
    });
    const after = (await request(t.http).get('/api/auth/oidc/providers')).body as { items: { id: string }[] };
    expect(after.items.map((i) => i.id)).not.toContain(off);
    expect(refusal(await start(off))).toEqual([404, 'unknown_provider']);
  });

  it('should refuse password sign-in for the domain of a provider that turns it off, but not for admins', async () => {
    const nurse = await createUser(t, 'clinician', { email: `nurse@${DOMAIN}` });
    const chief = await createUser(t, 'admin', { email: `chief2@${DOMAIN}` });
    const before = await lastAuditId(t);
    const current = (await request(t.http).get(`/api/identity-providers/${stMary}`).set(bearer(admin))).body as {
      version: number;
    };
    const patched = await request(t.http)
      .patch(`/api/identity-providers/${stMary}`)
      .set(bearer(admin))
      .set('If-Match', `"${current.version}"`)
      .send({ passwordLoginDisabled: true });
    expect(patched.status).toBe(200);

    for (const password of [TEST_PASSWORD, 'a-wrong-password-entirely']) {
      const res = await request(t.http).post('/api/auth/login').send({ email: nurse.email, password });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        code: 'password_login_disabled',
        detail: `Password sign-in is turned off for ${DOMAIN}: use "Sign in with St. Mary Hospital"`,
      });
    }
    // An unknown address of the domain is told the same.
    const unknown = await request(t.http)
      .post('/api/auth/login')
      .send({ email: `nobody@${DOMAIN}`, password: 'x' });
    expect(unknown.status).toBe(403);
    // Other domains are not affected; an admin of the domain still signs in with password and second factor.
    await login(t, await createUser(t, 'clinician'));
    await login(t, chief);
    const rows = await auditRowsAfter(t, before);
    expect(rows.filter((r) => r.action === 'auth.login' && r.outcome === 'denied').map((r) => r.reason)).toEqual([
      'password_login_disabled',
      'password_login_disabled',
    ]);
    expect(rows.find((r) => r.action === 'identity_provider.update')).toMatchObject({ outcome: 'success' });

    const back = await request(t.http)
      .patch(`/api/identity-providers/${stMary}`)
      .set(bearer(admin))
      .set('If-Match', `"${(patched.body as { version: number }).version}"`)
      .send({ passwordLoginDisabled: false });
    expect(back.status).toBe(200);
    await login(t, nurse);
  });

  it('should let only admins configure providers, validate every field, and never show the secret', async () => {
    const clinician = await login(t, await createUser(t, 'clinician'));
    expect((await request(t.http).get('/api/identity-providers').set(bearer(clinician))).status).toBe(403);
    expect((await request(t.http).get('/api/identity-providers')).status).toBe(401);

    const list = await request(t.http).get('/api/identity-providers').set(bearer(admin));
    expect(list.status).toBe(200);
    const mary = (list.body as { items: Record<string, unknown>[] }).items.find((i) => i.id === stMary);
    expect(mary).toMatchObject({
      name: 'St. Mary Hospital',
      clientSecretSet: true,
      redirectUri: `${base}/`,
    });
    expect(JSON.stringify(list.body)).not.toContain(op.clientSecret);
    const stored = await t.dataSource.query<{ client_secret: string }[]>(
      `SELECT client_secret FROM identity_provider WHERE id = $1`,
      [stMary],
    );
    expect(stored[0]?.client_secret).toMatch(/^v1\./);
    expect(stored[0]?.client_secret).not.toContain(op.clientSecret);

    const bad = await request(t.http)
      .post('/api/identity-providers')
      .set(bearer(admin))
      .send({
        name: '',
        issuerUrl: 'not a url',
        clientId: 'x',
        emailDomains: ['not a domain'],
        provisioning: 'everyone',
        clinicId: 'nope',
      });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
      'clinicId',
      'emailDomains',
      'issuerUrl',
      'name',
      'provisioning',
    ]);
    const clash = await request(t.http)
      .post('/api/identity-providers')
      .set(bearer(admin))
      .send({
        name: 'Another',
        issuerUrl: op.issuer,
        clientId: 'c',
        emailDomains: [DOMAIN],
        provisioning: 'match_only',
      });
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual([
      {
        field: 'emailDomains',
        messages: [`emailDomains: ${DOMAIN} already belongs to the provider "St. Mary Hospital"`],
      },
    ]);
    const noClinic = await request(t.http)
      .post('/api/identity-providers')
      .set(bearer(admin))
      .send({
        name: 'No clinic',
        issuerUrl: op.issuer,
        clientId: 'c',
        emailDomains: ['noclinic.example.org'],
        provisioning: 'create_clinician',
        clinicId: '00000000-0000-4000-8000-000000000000',
      });
    expect(noClinic.status).toBe(404);
    const stale = await request(t.http)
      .patch(`/api/identity-providers/${stJude}`)
      .set(bearer(admin))
      .set('If-Match', '"999"')
      .send({ name: 'Renamed' });
    expect(stale.status).toBe(412);
    const noIfMatch = await request(t.http)
      .patch(`/api/identity-providers/${stJude}`)
      .set(bearer(admin))
      .send({ name: 'Renamed' });
    expect(noIfMatch.status).toBe(428);
  });
});

describe('Password sign-in turned off for everyone (PASSWORD_LOGIN_ENABLED=false)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ PASSWORD_LOGIN_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should refuse everyone but admins, with words saying what to use', async () => {
    const clinician = await createUser(t, 'clinician');
    const res = await request(t.http)
      .post('/api/auth/login')
      .send({ email: clinician.email, password: clinician.password });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'password_login_disabled',
      detail: 'Password sign-in is turned off: use the sign-in button of your hospital',
    });
    await login(t, await createUser(t, 'admin'));
    expect((await request(t.http).get('/api/auth/oidc/providers')).body).toEqual({
      items: [],
      passwordLoginEnabled: false,
    });
  });
});
