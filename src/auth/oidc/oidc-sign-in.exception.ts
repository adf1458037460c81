import { HttpException, HttpStatus } from '@nestjs/common';
import type { OidcRefusal } from './oidc-rules.js';

/** The status of each refusal: the caller's fault (4xx) or the provider's (502). */
export function refusalStatus(reason: OidcRefusal): HttpStatus {
  switch (reason) {
    case 'invalid_state':
    case 'invalid_code':
    case 'provider_error':
      return HttpStatus.BAD_REQUEST;
    case 'unknown_provider':
      return HttpStatus.NOT_FOUND;
    case 'issuer_mismatch':
    case 'email_missing':
    case 'email_not_verified':
    case 'email_domain_not_allowed':
    case 'unknown_account':
    case 'account_disabled':
    case 'admin_not_allowed':
      return HttpStatus.FORBIDDEN;
    case 'provider_unreachable':
    case 'sign_in_failed':
      return HttpStatus.BAD_GATEWAY;
  }
}

/** What the person signing in is told, in words (the sign-in screen shows it as it is). */
export function refusalWords(reason: OidcRefusal): string {
  switch (reason) {
    case 'unknown_provider':
      return 'This hospital sign-in is not available (any more); choose another, or ask an administrator';
    case 'provider_unreachable':
      return "The hospital's sign-in service could not be reached; try again in a moment";
    case 'issuer_mismatch':
      return "The hospital's sign-in service did not identify itself as the one configured; ask an administrator to check its issuer";
    case 'invalid_state':
      return 'This sign-in is unknown, expired or already used; start again from the sign-in page';
    case 'provider_error':
      return 'The hospital sign-in was cancelled or refused at the hospital; start again from the sign-in page';
    case 'invalid_code':
      return 'The hospital did not accept this sign-in (already used or expired); start again from the sign-in page';
    case 'email_missing':
      return 'The hospital did not share your e-mail address, which Consilium needs to find your account';
    case 'email_not_verified':
      return 'The hospital has not verified your e-mail address; ask your hospital IT to verify it, then sign in again';
    case 'email_domain_not_allowed':
      return "Your e-mail address is not one of this hospital's domains; sign in with your own hospital";
    case 'unknown_account':
      return 'There is no Consilium account for your e-mail address; ask an administrator to invite you';
    case 'account_disabled':
      return 'Your Consilium account is disabled; ask an administrator';
    case 'admin_not_allowed':
      return 'Administrators sign in with their password and second factor, not through the hospital';
    case 'sign_in_failed':
      return 'The hospital sign-in could not be completed; try again, or ask an administrator';
  }
}

/** A refused hospital sign-in: its machine code (`code` in the problem) and its words. */
export class OidcSignInException extends HttpException {
  constructor(readonly reason: OidcRefusal) {
    super({ message: refusalWords(reason), code: reason }, refusalStatus(reason));
  }
}
