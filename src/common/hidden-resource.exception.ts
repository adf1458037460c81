import { NotFoundException } from '@nestjs/common';

/**
 * A 404 for something that exists but that the caller may not see: the
 * response does not reveal it, and the audit row says `denied`.
 */
export class HiddenResourceException extends NotFoundException {
  readonly auditOutcome = 'denied' as const;

  constructor(what: string) {
    super(`${what} not found`);
  }
}
