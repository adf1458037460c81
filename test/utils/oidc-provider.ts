import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from './free-port.js';

// A real OpenID provider (oidc-provider 9) on a free port, with one client for
// Consilium and a login page of its own: the hospital's sign-in the tests
// and the browser walk through. The consent step is granted at once (a
// first-party client), as hospitals configure their own apps.

export interface TestAccount {
  /** What the user types on the provider's login page. */
  login: string;
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface TestOidcProvider {
  /** The issuer identifier, e.g. http://127.0.0.1:41234 */
  issuer: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** Accounts by login; add more at any time. */
  accounts: Map<string, TestAccount>;
  addAccount(account: Omit<TestAccount, 'sub'> & { sub?: string }): TestAccount;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const loginPage = (uid: string, error?: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>St. Mary sign-in</title></head>
<body><main><h1>St. Mary Hospital sign-in</h1>
${error === undefined ? '' : `<p role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Hospital username <input name="login" autocomplete="username"></label>
<button type="submit">Continue</button>
</form></main></body></html>`;

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

type Payload = Record<string, unknown> & { uid?: string; grantId?: string; userCode?: string; consumed?: number };

/** oidc-provider's storage, in memory: the provider lives as long as its test file. */
class MemoryAdapter {
  private static readonly stores = new Map<string, Map<string, Payload>>();
  private readonly store: Map<string, Payload>;

  constructor(name: string) {
    this.store = MemoryAdapter.stores.get(name) ?? new Map<string, Payload>();
    MemoryAdapter.stores.set(name, this.store);
  }

  upsert(id: string, payload: Payload): Promise<void> {
    this.store.set(id, payload);
    return Promise.resolve();
  }
  find(id: string): Promise<Payload | undefined> {
    return Promise.resolve(this.store.get(id));
  }
  findByUid(uid: string): Promise<Payload | undefined> {
    return Promise.resolve([...this.store.values()].find((p) => p.uid === uid));
  }
  findByUserCode(code: string): Promise<Payload | undefined> {
    return Promise.resolve([...this.store.values()].find((p) => p.userCode === code));
  }
  consume(id: string): Promise<void> {
    const payload = this.store.get(id);
    if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }
  destroy(id: string): Promise<void> {
    this.store.delete(id);
    return Promise.resolve();
  }
  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, p] of this.store) if (p.grantId === grantId) this.store.delete(id);
    return Promise.resolve();
  }
}

/** Starts the provider; `redirectUri` is Consilium's callback, registered for the client. */
export async function startOidcProvider(options: {
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
}): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? 'consilium';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const accounts = new Map<string, TestAccount>();
  const bySub = (sub: string): TestAccount | undefined => [...accounts.values()].find((a) => a.sub === sub);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, sub) => {
      const account = bySub(sub);
      if (account === undefined) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: account.name }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Consent is granted at once for the one (first-party) client.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    adapter: MemoryAdapter,
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'test-key' }] },
  });
  const handler = provider.callback();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (m === null) {
      handler(req, res);
      return;
    }
    const uid = m[1] ?? '';
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    void (async () => {
      try {
        await provider.interactionDetails(req, res);
        if (m[2] === undefined && req.method === 'GET') return send(200, loginPage(uid));
        if (m[2] !== undefined && req.method === 'POST') {
          const login = (await formBody(req)).get('login')?.trim() ?? '';
          const account = accounts.get(login);
          if (account === undefined) return send(200, loginPage(uid, 'Unknown username'));
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: account.sub } },
            {
              mergeWithLastSubmission: false,
            },
          );
          return undefined;
        }
        return send(405, 'method not allowed');
      } catch (error) {
        return send(400, `interaction failed: ${escapeHtml(String(error))}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  let counter = 0;
  return {
    issuer,
    port,
    clientId,
    clientSecret,
    accounts,
    addAccount(account) {
      counter += 1;
      const full: TestAccount = { sub: account.sub ?? `sub-${counter}-${randomBytes(4).toString('hex')}`, ...account };
      accounts.set(full.login, full);
      return full;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** fetch with a cookie jar (per host) that follows no redirect by itself. */
export class CookieFetch {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.jar.get(target.host);
    const headers = new Headers(init.headers);
    if (cookies !== undefined && cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const host = this.jar.get(target.host) ?? new Map<string, string>();
      // Expired (cleared) cookies go; oidc-provider clears with an empty value and a past date.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) host.delete(name);
      else host.set(name, value);
      this.jar.set(target.host, host);
    }
    return res;
  }

  /** A form POST, cookies kept. */
  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.get(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects from `first` (an answer already received at `from`)
   * until one points at `untilHost`: answers that address, unfetched.
   */
  async follow(first: Response, from: string, untilHost: string): Promise<string> {
    let res = first;
    let current = from;
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (location === null) throw new Error(`no redirect from ${current}: ${res.status} ${await res.text()}`);
      const next = new URL(location, current).href;
      if (new URL(next).host === untilHost) return next;
      current = next;
      res = await this.get(current);
    }
    throw new Error(`too many redirects from ${from}`);
  }
}
