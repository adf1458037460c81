import htm from 'htm';
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import {
  api,
  ApiError,
  enrolmentRequired,
  post,
  setEnrolmentRequired,
  setPasswordFromLink,
  signIn,
} from '../api/session.js';
import { Field } from '../ui/field.js';
import { HospitalSignIn } from './hospital-sign-in.js';
import { NotificationSettings } from './notifications.js';

const html = htm.bind(h);

const messageOf = (err: unknown, fallback: string): string =>
  err instanceof ApiError ? (err.problem.detail ?? fallback) : fallback;

/**
 * Sign-in: the hospitals' sign-in buttons, then e-mail and password, then the
 * authenticator code when the account has a second factor. `refused` says why
 * a hospital sign-in just failed.
 */
export function SignIn(props: { refused?: string } = {}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await signIn(email, password, needsCode ? code.trim() : undefined);
      setError(undefined);
      // Stay on the page that asked for sign-in (a deep link); the start page is the role's own.
      if (enrolmentRequired()) location.hash = '#/account';
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'second_factor_required') {
        setNeedsCode(true);
        setError(undefined);
        return;
      }
      const fields = err instanceof ApiError ? err.fields() : {};
      setError(fields.totp ?? messageOf(err, 'Sign-in failed'));
    }
  };
  return html`<main>
    <h1>Sign in to Consilium</h1>
    ${props.refused === undefined ? null : html`<p class="error" role="alert">${props.refused}</p>`}
    <${HospitalSignIn} />
    <form onSubmit=${submit} aria-label="Sign in">
      ${Field({ label: 'Email', name: 'email', value: email, onInput: setEmail, type: 'email', autocomplete: 'username' })}
      ${Field({
        label: 'Password',
        name: 'password',
        value: password,
        onInput: setPassword,
        type: 'password',
        autocomplete: 'current-password',
      })}
      ${
        needsCode
          ? Field({
              label: 'Authentication code',
              name: 'totp',
              value: code,
              onInput: setCode,
              autocomplete: 'one-time-code',
              inputmode: 'numeric',
              hint: 'The 6-digit code your authenticator app shows for Consilium.',
            })
          : null
      }
      ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
      <p><button type="submit">${needsCode ? 'Verify and sign in' : 'Sign in'}</button></p>
    </form>
  </main>`;
}

/** The page a set-password link opens (`#/set-password/<token>`): no sign-in needed. */
export function SetPassword(props: { token: string }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (password !== repeat) {
      setErrors({ repeat: 'The two passwords differ' });
      return;
    }
    try {
      setDone(await setPasswordFromLink(props.token, password));
      setErrors({});
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields() : {};
      setErrors(Object.keys(fields).length > 0 ? fields : { form: messageOf(err, 'The password could not be set') });
    }
  };
  if (done !== undefined)
    return html`<main>
      <h1>Password set</h1>
      <p role="status">The password of ${done} is set. <a href="#/cases">Sign in</a> with it.</p>
    </main>`;
  return html`<main>
    <h1>Choose your password</h1>
    <p>At least 12 characters and not easy to guess: a few unrelated words work well. This link works once.</p>
    <form onSubmit=${submit} aria-label="Choose your password">
      ${Field({
        label: 'New password',
        name: 'password',
        value: password,
        onInput: setPassword,
        type: 'password',
        autocomplete: 'new-password',
        error: errors.password,
      })}
      ${Field({
        label: 'Repeat the password',
        name: 'repeat',
        value: repeat,
        onInput: setRepeat,
        type: 'password',
        autocomplete: 'new-password',
        error: errors.repeat,
      })}
      ${
        errors.token === undefined && errors.form === undefined
          ? null
          : html`<p class="error" role="alert">${errors.token ?? errors.form}</p>`
      }
      <p><button type="submit">Set password</button></p>
    </form>
  </main>`;
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await api('/api/users/me/password', {
        method: 'PUT',
        body: JSON.stringify({ currentPassword: current, newPassword: next }),
      });
      setErrors({});
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields() : {};
      setDone(false);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: messageOf(err, 'The password was not changed') });
    }
  };
  return html`<section aria-labelledby="pw-h">
    <h2 id="pw-h">Password</h2>
    <form onSubmit=${submit} aria-label="Change password">
      ${Field({
        label: 'Current password',
        name: 'currentPassword',
        value: current,
        onInput: setCurrent,
        type: 'password',
        autocomplete: 'current-password',
        error: errors.currentPassword,
      })}
      ${Field({
        label: 'New password',
        name: 'newPassword',
        value: next,
        onInput: setNext,
        type: 'password',
        autocomplete: 'new-password',
        hint: 'At least 12 characters and not easy to guess. Your other sessions end.',
        error: errors.newPassword,
      })}
      ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
      ${done ? html`<p role="status">Password changed; your other sessions are signed out.</p>` : null}
      <p><button type="submit">Change password</button></p>
    </form>
  </section>`;
}

/** A QR code of the otpauth URI, as an SVG image (no script, no inline markup). */
function QrCode(props: { text: string }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(props.text, { border: 2 }))}`;
  return html`<img class="qr" src=${src} width="200" height="200" alt="QR code of the authenticator set-up link" />`;
}

function SecondFactor(props: { enabled: boolean; onEnabled: () => void }) {
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string }>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  if (props.enabled)
    return html`<section aria-labelledby="tf-h">
      <h2 id="tf-h">Second factor</h2>
      <p role="status">
        ${done ? 'Your authenticator app is set up. ' : ''}A second factor is active: signing in asks for its code.
      </p>
    </section>`;
  const start = async (): Promise<void> => {
    try {
      setEnrolment(await post<{ secret: string; otpauthUri: string }>('/api/users/me/totp', {}));
      setError(undefined);
    } catch (err) {
      setError(messageOf(err, 'Could not start the set-up'));
    }
  };
  const confirm = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await post('/api/users/me/totp/confirm', { code: code.trim() });
      setDone(true);
      setEnrolmentRequired(false);
      props.onEnabled();
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields() : {};
      setError(fields.code ?? messageOf(err, 'The code was not accepted'));
    }
  };
  return html`<section aria-labelledby="tf-h">
    <h2 id="tf-h">Second factor</h2>
    ${
      enrolment === undefined
        ? html`<p>Protect your account with an authenticator app (time-based codes, RFC 6238).</p>
            <p><button type="button" onClick=${() => void start()}>Set up an authenticator app</button></p>`
        : html`<p>Scan the code with your authenticator app, or enter the key by hand.</p>
            <${QrCode} text=${enrolment.otpauthUri} />
            <p>Key: <code data-testid="totp-secret">${enrolment.secret}</code></p>
            <p>Set-up link: <code data-testid="totp-uri" class="wrap">${enrolment.otpauthUri}</code></p>
            <form onSubmit=${confirm} aria-label="Confirm the authenticator app">
              ${Field({
                label: 'Code from the app',
                name: 'code',
                value: code,
                onInput: setCode,
                autocomplete: 'one-time-code',
                inputmode: 'numeric',
              })}
              <p><button type="submit">Confirm</button></p>
            </form>`
    }
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
  </section>`;
}

/** The signed-in user's own account: password and second factor. */
export function Account() {
  const [me, setMe] = useState<{ email: string; displayName: string; role: string; totpEnabled: boolean }>();
  const [n, setN] = useState(0);
  useEffect(() => {
    void api<typeof me>('/api/users/me').then(setMe, () => setMe(undefined));
  }, [n]);
  return html`<main>
    <h1>Your account</h1>
    ${
      enrolmentRequired()
        ? html`<p class="warn" role="alert">
            Administrators must use a second factor. Set up an authenticator app to continue.
          </p>`
        : null
    }
    ${me === undefined ? html`<p>Loading…</p>` : html`<p>${me.displayName} (${me.email}), ${me.role}</p>`}
    ${me === undefined ? null : html`<${SecondFactor} enabled=${me.totpEnabled} onEnabled=${() => setN(n + 1)} />`}
    ${enrolmentRequired() ? null : html`<${NotificationSettings} />`}
    <${ChangePassword} />
  </main>`;
}
