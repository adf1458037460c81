/** The public API from the browser: tokens in sessionStorage, silent refresh, then back to sign-in. */

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface Problem {
  status: number;
  /** A machine code some refusals carry, e.g. `second_factor_required`. */
  code?: string;
  detail?: string;
  errors?: { field: string; messages: string[] }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? `HTTP ${problem.status}`);
  }
  /** Field → messages, for showing errors where they belong. */
  fields(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.messages.join('; ')]));
  }
}

const KEY = 'consilium.tokens';
let listeners: (() => void)[] = [];

export function tokens(): Tokens | null {
  const raw = sessionStorage.getItem(KEY);
  return raw === null ? null : (JSON.parse(raw) as Tokens);
}

export function setTokens(t: Tokens | null): void {
  if (t === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(t));
  for (const l of listeners) l();
}

export function onAuthChange(l: () => void): void {
  listeners = [...listeners, l];
}

const ENROL_KEY = 'consilium.enrolment-required';

/** The session may only enrol a second factor (an admin who has none yet). */
export function enrolmentRequired(): boolean {
  return sessionStorage.getItem(ENROL_KEY) !== null;
}

export function setEnrolmentRequired(required: boolean): void {
  if (required) sessionStorage.setItem(ENROL_KEY, '1');
  else sessionStorage.removeItem(ENROL_KEY);
  for (const l of listeners) l();
}

/**
 * Signs in; `totp` is the authenticator code, when the server asked for it
 * (an ApiError with code `second_factor_required`).
 */
export async function signIn(email: string, password: string, totp?: string): Promise<void> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...(totp === undefined ? {} : { totp }) }),
  });
  if (!res.ok)
    throw new ApiError({ status: res.status, ...((await res.json().catch(() => ({}))) as Partial<Problem>) });
  const body = (await res.json()) as Tokens & { secondFactorEnrolmentRequired?: boolean };
  sessionStorage.setItem(KEY, JSON.stringify({ accessToken: body.accessToken, refreshToken: body.refreshToken }));
  setEnrolmentRequired(body.secondFactorEnrolmentRequired === true);
}

/** Sets a password from a one-time link; answers the account's e-mail. */
export async function setPasswordFromLink(token: string, password: string): Promise<string> {
  const res = await fetch('/api/auth/set-password', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<Problem> & { email?: string };
  if (!res.ok) throw new ApiError({ ...body, status: res.status });
  return body.email ?? '';
}

export async function signOut(): Promise<void> {
  const t = tokens();
  if (t !== null)
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.accessToken}` },
      body: JSON.stringify({ refreshToken: t.refreshToken }),
    }).catch(() => undefined);
  sessionStorage.removeItem(ENROL_KEY);
  setTokens(null);
}

/** One silent refresh of the access token; false when the session is over. */
export async function refresh(): Promise<boolean> {
  const t = tokens();
  if (t === null) return false;
  const res = await fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: t.refreshToken }),
  });
  if (!res.ok) return false;
  setTokens((await res.json()) as Tokens);
  return true;
}

/** A call with the access token; on 401 one silent refresh, then sign-in again. */
export async function api<T>(path: string, init: RequestInit = {}, retry = true): Promise<T> {
  const t = tokens();
  const headers = new Headers(init.headers);
  if (t !== null) headers.set('authorization', `Bearer ${t.accessToken}`);
  if (init.body !== undefined && !(init.body instanceof FormData)) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401 && retry) {
    if (await refresh()) return api<T>(path, init, false);
    setTokens(null);
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({ status: res.status }))) as Problem;
    throw new ApiError({ ...problem, status: res.status });
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const post = <T>(path: string, body: unknown): Promise<T> =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** One problem with one element of a FHIR Bundle, as the server's OperationOutcome names it. */
export interface FhirIssue {
  severity: string;
  expression?: string[];
  details?: { text?: string };
  diagnostics?: string;
}

/**
 * Sends a referral Bundle (POST /api/fhir/referrals). The answer is an
 * OperationOutcome either way: the case it became, or every element refused.
 */
export async function importFhirReferral(
  bundleText: string,
  retry = true,
): Promise<{ ok: boolean; status: number; caseId?: string; issues: FhirIssue[] }> {
  const t = tokens();
  const headers = new Headers({ 'content-type': 'application/fhir+json' });
  if (t !== null) headers.set('authorization', `Bearer ${t.accessToken}`);
  const res = await fetch('/api/fhir/referrals', { method: 'POST', headers, body: bundleText });
  if (res.status === 401 && retry && (await refresh())) return importFhirReferral(bundleText, false);
  const body = (await res.json().catch(() => ({}))) as { issue?: FhirIssue[] };
  const issues = body.issue ?? [];
  const location = res.headers.get('location');
  return {
    ok: res.ok,
    status: res.status,
    ...(location === null ? {} : { caseId: location.split('/').pop() }),
    issues,
  };
}
