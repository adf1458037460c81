import { describe, expect, it } from '@jest/globals';
import { passwordProblem } from './password-policy.js';

describe(passwordProblem.name, () => {
  const context = { email: 'Casey.Coordinator@example.org', displayName: 'Casey Coordinator' };

  it.each([
    ['aaaaaaaaaaaa', /too easy to guess/],
    ['password1234', /too easy to guess/],
    ['qwertyuiop12', /too easy to guess/],
    ['short-pass', /at least 12 characters/],
    ['casey.coordinator@example.org', /e-mail address/],
    ['my-CaseyCoordinator-2026!', /e-mail address|your name/],
    ['xx casey.coordinator yy zz', /e-mail address/],
  ])('should refuse %j', (password, message) => {
    expect(passwordProblem(password, context)).toMatch(message);
  });

  it.each(['a-long-test-password', 'correct horse battery staple', 'consilium-demo', 'Tr0ub4dour&3-lantern'])(
    'should accept %j',
    (password) => {
      expect(passwordProblem(password, context)).toBeUndefined();
    },
  );

  it('should refuse the e-mail itself even without other context', () => {
    expect(passwordProblem('someone.long@example.org', { email: 'someone.long@example.org' })).toBeDefined();
  });

  it('should never quote the password in its message', () => {
    const message = passwordProblem('password1234', context) ?? '';
    expect(message).not.toContain('password1234');
  });
});
