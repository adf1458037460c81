import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** zxcvbn's "safely unguessable: moderate protection from offline slow-hash attacks". */
export const PASSWORD_MIN_SCORE = 3;

/** What is known about the account, so a password cannot be built from it. */
export interface PasswordContext {
  email?: string;
  displayName?: string;
}

// Built once, on first use: loading the dictionaries takes a few hundred ms.
let zxcvbn: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return zxcvbn;
}

const fold = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '');

/**
 * Why a password is refused, as words that follow "password" ("must be at
 * least 12 characters"), or undefined when it is acceptable. Length first,
 * then the account's own e-mail and name, then zxcvbn's estimate against
 * its common-password, name and English dictionaries (score ≥ 3).
 */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const folded = fold(password);
  const email = context.email?.trim().toLowerCase();
  const local = email?.split('@')[0];
  const inputs = [email, local, context.displayName, ...(context.displayName?.split(/\s+/) ?? [])].filter(
    (s): s is string => s !== undefined && s.trim() !== '',
  );
  if (email !== undefined && email !== '' && folded.includes(fold(email))) return 'must not contain the e-mail address';
  if (local !== undefined && fold(local).length >= 3 && folded.includes(fold(local)))
    return 'must not contain the e-mail address';
  const name = context.displayName === undefined ? '' : fold(context.displayName);
  if (name.length >= 3 && folded.includes(name)) return 'must not contain your name';
  // zxcvbn's cost grows with length; its authors cut the input at 100 characters.
  const result = estimator().check(password.slice(0, 100), inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return undefined;
  const warning = result.feedback.warning;
  return (
    'is too easy to guess' +
    (warning === null || warning === '' ? '' : ` (${warning.replace(/\.$/, '')})`) +
    ': use a longer phrase of several unrelated words'
  );
}
