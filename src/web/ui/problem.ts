import { ApiError } from '../api/session.js';

/**
 * A server refusal in plain words. The server's field messages name the field's
 * path ("patient.familyName must be…"); next to the field that path is noise,
 * and class-validator's phrasings are turned into what a clinician would say.
 */
export function plainFieldMessage(field: string, message: string): string {
  let m = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
  const min = /^must be longer than or equal to (\d+) characters?$/.exec(m);
  if (min !== null) m = min[1] === '1' ? 'is required' : `needs at least ${min[1]} characters`;
  const max = /^must be shorter than or equal to (\d+) characters?$/.exec(m);
  if (max !== null) m = `can have at most ${max[1]} characters`;
  m = m
    .replace(/^should not be empty$/, 'is required')
    .replace(/^must be a string$/, 'is required')
    .replace(/^must be a valid ISO 8601 date string$/, 'needs a date')
    .replace(/^must be a UUID$/, 'needs a choice')
    .replace(/^must be one of the following values: (.*)$/, (_, v: string) => `must be one of: ${v}`)
    .replace(/^must be an email$/, 'needs an e-mail address');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** Field path → plain message, for showing each error next to its field. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  return Object.fromEntries(
    (err.problem.errors ?? []).map((e) => [e.field, e.messages.map((m) => plainFieldMessage(e.field, m)).join('; ')]),
  );
}

const STATUS_WORDS: Record<number, string> = {
  400: 'Some fields need attention.',
  403: 'Your role does not allow this.',
  404: 'This was not found, or you do not have access to it.',
  409: 'This conflicts with the current state.',
  412: 'Someone else changed this since you opened it. Reload and try again.',
  413: 'The file is too large.',
  415: 'This kind of file is not accepted.',
  428: 'Reload and try again.',
  429: 'Too many attempts. Wait a moment and try again.',
  503: 'The service is unavailable for a moment. Try again shortly.',
};

/** The one-line summary of a failure, for a toast or an alert beside the action. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    const detail = err.problem.detail;
    if (detail !== undefined && detail !== '' && !/^Invalid request: /.test(detail)) return detail;
    return STATUS_WORDS[err.problem.status] ?? `The request failed (${err.problem.status}).`;
  }
  if (err instanceof TypeError) return 'The server could not be reached. Check the connection and try again.';
  return err instanceof Error ? err.message : String(err);
}
