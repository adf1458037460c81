import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { RequestValidationException } from './problem.js';

/** NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first string that PostgreSQL cannot store (a NUL character,
 * or a lone UTF-16 surrogate, which is not Unicode), if any.
 */
export function unstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value) ? path || 'body' : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unstorableText(v, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const found = unstorableText(v, path === '' ? k : `${path}.${k}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function assertStorableText(value: unknown): void {
  const field = unstorableText(value);
  if (field !== undefined)
    throw RequestValidationException.field(field, `${field} must be text without NUL characters or broken Unicode`);
}

/** Refuses unstorable text (400 naming the field) before the usual DTO validation. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    assertStorableText(value);
    return super.transform(value, metadata);
  }
}

/** The one global pipe: strict DTOs, field-named 400s. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => RequestValidationException.fromValidationErrors(errors),
  });
}
