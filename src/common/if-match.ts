import { HttpException, HttpStatus } from '@nestjs/common';
import { RequestValidationException } from './problem.js';

/**
 * Reads the version from an `If-Match: "<version>"` header. Missing is 428
 * (the client must say which version it edits); malformed is 400.
 */
export function parseIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') {
    throw new HttpException(
      'If-Match is required: send the ETag from your last read of this resource',
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (match?.[1] === undefined) {
    throw RequestValidationException.field('If-Match', 'If-Match must be an ETag returned by this server, e.g. "3"');
  }
  return Number(match[1]);
}
