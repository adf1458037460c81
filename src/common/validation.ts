import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes, type ValidationError } from 'class-validator';
import { RequestValidationException } from './problem.js';

/** NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Control characters no text of the API may hold: every C0 control but tab,
 * line feed and carriage return, DEL, and the C1 controls. (Single-line
 * fields refuse those three as well: see SingleLine in transforms.ts.)
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export interface BadText {
  field: string;
  problem: 'unstorable' | 'control';
}

/**
 * The first string that PostgreSQL cannot store (a NUL character, or a lone
 * UTF-16 surrogate, which is not Unicode) or that holds a control character,
 * with its path, if any.
 */
export function badText(value: unknown, path = ''): BadText | undefined {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) return { field: path || 'body', problem: 'unstorable' };
    return CONTROL.test(value) ? { field: path || 'body', problem: 'control' } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = badText(v, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const found = badText(v, path === '' ? k : `${path}.${k}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The path of the first string PostgreSQL cannot store, or that holds a control character. */
export function unstorableText(value: unknown, path = ''): string | undefined {
  return badText(value, path)?.field;
}

export function assertStorableText(value: unknown): void {
  const bad = badText(value);
  if (bad === undefined) return;
  throw RequestValidationException.field(
    bad.field,
    bad.problem === 'unstorable'
      ? `${bad.field} must be text without NUL characters or broken Unicode`
      : `${bad.field} must not contain control characters (only line breaks and tabs are allowed in text)`,
  );
}

/** What the ValidationPipe leaves unvalidated (as Nest's own `toValidate`). */
const UNVALIDATED_TYPES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);
const declared = new WeakMap<object, ReadonlySet<string>>();

/** The properties a DTO class declares with a validator: what `whitelist` keeps. */
function declaredProperties(type: abstract new (...args: never[]) => unknown): ReadonlySet<string> {
  let names = declared.get(type);
  if (names === undefined) {
    names = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(type, '', false, false)
        .map((m) => m.propertyName),
    );
    declared.set(type, names);
  }
  return names;
}

/**
 * The first unknown top-level field, refused before class-transformer copies
 * the input (its cost grows faster than the field count): one error, however
 * many unknown fields were sent.
 */
function refuseFirstUnknownField(value: unknown, metadata: ArgumentMetadata): void {
  const type = metadata.metatype;
  if (metadata.type === 'custom' || typeof type !== 'function' || UNVALIDATED_TYPES.has(type)) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const known = declaredProperties(type);
  for (const key in value) {
    if (Object.hasOwn(value, key) && !known.has(key)) {
      throw RequestValidationException.field(key, `property ${key} should not exist`);
    }
  }
}

/** Keeps the first unknown-field error of the tree and drops the rest: the error body does not grow with the input. */
function firstUnknownFieldOnly(errors: ValidationError[], seen = { unknown: false }): ValidationError[] {
  const kept: ValidationError[] = [];
  for (const error of errors) {
    if (error.constraints?.[ValidationTypes.WHITELIST] !== undefined) {
      if (seen.unknown) continue;
      seen.unknown = true;
    }
    if (error.children !== undefined && error.children.length > 0) {
      error.children = firstUnknownFieldOnly(error.children, seen);
      if (error.children.length === 0 && error.constraints === undefined) continue;
    }
    kept.push(error);
  }
  return kept;
}

/** Refuses unstorable text and unknown fields (400 naming the field) before the usual DTO validation. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Not the values of custom decorators (the caller, read from the database).
    if (metadata.type !== 'custom') assertStorableText(value);
    refuseFirstUnknownField(value, metadata);
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
    exceptionFactory: (errors) => RequestValidationException.fromValidationErrors(firstUnknownFieldOnly(errors)),
  });
}
