import { useEffect, useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { setEnrolmentRequired, setTokens } from '../api/session.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';

// Hospital sign-in (OpenID Connect) in the browser. A button asks the server
// for the hospital's sign-in address and goes there; the hospital sends the
// browser back to PUBLIC_URL/?code=…&state=…, where the app hands both to the
// server for Consilium's tokens. The state is also kept in this tab: a return
// the tab did not start (someone else's link) is refused before it is sent.

const STATE_KEY = 'consilium.hospital-sign-in';

interface Started {
  state: string;
  provider: string;
}

/** What the hospital put in the address, when this page load is its return. */
export interface HospitalReturnParams {
  state: string;
  code?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
}

/** The hospital's return in this page's address, if it is one (read once, at start). */
export function pendingHospitalReturn(): HospitalReturnParams | undefined {
  const q = new URLSearchParams(location.search);
  const state = q.get('state');
  if (state === null || (q.get('code') === null && q.get('error') === null)) return undefined;
  const take = (name: string): string | undefined => q.get(name) ?? undefined;
  return {
    state,
    code: take('code'),
    iss: take('iss'),
    error: take('error'),
    errorDescription: take('error_description'),
  };
}

/** "Sign in with <hospital>", one button per enabled hospital; nothing when there is none. */
export function HospitalSignIn() {
  const [list, setList] = useState<Schemas['SignInProviderListDto']>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  useEffect(() => {
    ok(client.GET('/api/auth/oidc/providers')).then(
      (l) => setList(l),
      () => setList({ items: [], passwordLoginEnabled: true }),
    );
  }, []);
  if (list === undefined || list.items.length === 0) return null;
  const go = async (p: Schemas['SignInProviderDto']): Promise<void> => {
    setBusy(p.id);
    setError(undefined);
    try {
      const { authorizationUrl } = await ok(
        client.POST('/api/auth/oidc/{providerId}/start', { params: { path: { providerId: p.id } } }),
      );
      const state = new URL(authorizationUrl).searchParams.get('state') ?? '';
      sessionStorage.setItem(STATE_KEY, JSON.stringify({ state, provider: p.name } satisfies Started));
      location.assign(authorizationUrl);
    } catch (err) {
      setBusy(undefined);
      setError(problemText(err));
    }
  };
  return html`<section class="hospital-sign-in" aria-labelledby="hospital-h">
    <h2 id="hospital-h">With your hospital account</h2>
    <ul class="hospital-buttons">
      ${list.items.map(
        (p) =>
          html`<li key=${p.id}>
            <button
              type="button"
              class="btn btn-primary"
              disabled=${busy !== undefined}
              aria-busy=${busy === p.id ? 'true' : undefined}
              onClick=${() => void go(p)}
            >
              Sign in with ${p.name}
            </button>
          </li>`,
      )}
    </ul>
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
    <h2>
      ${list.passwordLoginEnabled ? 'Or with your Consilium password' : 'Administrators: your Consilium password'}
    </h2>
  </section>`;
}

/**
 * The hospital sent the browser back: the code and state go to the server,
 * the address loses them, and the app is signed in, or says in words why not.
 */
export function HospitalReturn(props: { params: HospitalReturnParams; onDone: (refusal?: string) => void }) {
  useEffect(() => {
    const { params, onDone } = props;
    const started = JSON.parse(sessionStorage.getItem(STATE_KEY) ?? 'null') as Started | null;
    sessionStorage.removeItem(STATE_KEY);
    // The code leaves the address bar (and the history) at once.
    history.replaceState(null, '', `${location.pathname}#/`);
    if (started === null || started.state !== params.state) {
      onDone('This sign-in was not started on this page, so it was not used. Start again with your hospital button.');
      return;
    }
    ok(client.POST('/api/auth/oidc/callback', { body: params })).then(
      (tokens) => {
        setEnrolmentRequired(false);
        setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
        onDone();
      },
      (err: unknown) => onDone(`${started.provider}: ${problemText(err)}.`),
    );
  }, []);
  return html`<main>
    <h1>Signing you in</h1>
    <p role="status">Finishing the sign-in with your hospital…</p>
  </main>`;
}
