import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One invalid field: its path in the request and what was wrong. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** RFC 9457 problem details, as every error response carries them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://consilium.dev/problems/';

/** 400 carrying field errors; thrown by the global ValidationPipe. */
export class RequestValidationException extends HttpException {
  constructor(readonly fieldErrors: FieldError[]) {
    super(
      {
        message: `Invalid request: ${fieldErrors.map((e) => e.field).join(', ')}`,
        errors: fieldErrors,
      },
      HttpStatus.BAD_REQUEST,
    );
  }

  static fromValidationErrors(errors: ValidationError[]): RequestValidationException {
    return new RequestValidationException(flattenValidationErrors(errors));
  }

  /** A single invalid field found outside the DTO layer (e.g. a cursor). */
  static field(field: string, message: string): RequestValidationException {
    return new RequestValidationException([{ field, messages: [message] }]);
  }
}

/** Flattens nested class-validator errors into dotted field paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix === ''
        ? error.property
        : `${prefix}.${error.property}`;
    const messages = Object.values(error.constraints ?? {}).map((m) =>
      // class-validator names the bare property; say the full path instead.
      m.startsWith(`${error.property} `) ? `${field}${m.slice(error.property.length)}` : m,
    );
    if (messages.length > 0) out.push({ field, messages });
    if (error.children !== undefined && error.children.length > 0) {
      out.push(...flattenValidationErrors(error.children, field));
    }
  }
  return out;
}

interface ErrorWithCode {
  code?: unknown;
  statusCode?: unknown;
  name?: unknown;
}

/** PostgreSQL errors that mean "conflict with the current state", not a bug. */
const PG_CONFLICTS: Record<string, string> = {
  '23505': 'The request conflicts with an existing resource.',
  '23P01': 'The request conflicts with an existing booking.',
  '40001': 'The request conflicted with a concurrent change; retry it.',
  '40P01': 'The request conflicted with a concurrent change; retry it.',
};

/** Connection-level failures (PostgreSQL down, restarting, unreachable): a 503, not a bug. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

export function databaseUnavailable(exception: unknown): boolean {
  for (let e: unknown = exception, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
    )
      return true;
    e = driverError ?? cause;
  }
  return false;
}

function title(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * Maps any thrown value to problem details. Unknown errors become a generic
 * 500 whose detail names only the request id; the caller logs the cause.
 */
export function toProblem(exception: unknown, requestId?: string): ProblemDetails {
  const base = { requestId };
  if (exception instanceof RequestValidationException) {
    return {
      type: `${PROBLEM_BASE}validation-error`,
      title: 'Bad Request',
      status: 400,
      detail: `Invalid request: ${exception.fieldErrors.map((e) => `${e.field} (${e.messages.join('; ')})`).join(', ')}`,
      errors: exception.fieldErrors,
      ...base,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let detail = exception.message;
    const extensions: Record<string, unknown> = {};
    if (typeof response === 'object' && response !== null) {
      const r = response as Record<string, unknown>;
      if (typeof r.message === 'string') detail = r.message;
      else if (Array.isArray(r.message)) detail = r.message.join('; ');
      for (const [k, v] of Object.entries(r)) {
        if (!['message', 'statusCode', 'error', 'status', 'title', 'type'].includes(k)) extensions[k] = v;
      }
    } else if (typeof response === 'string') {
      detail = response;
    }
    return { type: 'about:blank', title: title(status), status, detail, ...extensions, ...base };
  }
  const err = (typeof exception === 'object' && exception !== null ? exception : {}) as ErrorWithCode;
  if (databaseUnavailable(exception)) {
    return {
      type: `${PROBLEM_BASE}database-unavailable`,
      title: title(503),
      status: 503,
      detail: 'The database is unavailable; retry shortly.',
      ...base,
    };
  }
  if (err.name === 'QueryFailedError' && typeof err.code === 'string' && err.code in PG_CONFLICTS) {
    return { type: `${PROBLEM_BASE}conflict`, title: title(409), status: 409, detail: PG_CONFLICTS[err.code], ...base };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return {
      type: 'about:blank',
      title: title(err.statusCode),
      status: err.statusCode,
      detail: title(err.statusCode),
      ...base,
    };
  }
  return {
    type: 'about:blank',
    title: title(500),
    status: 500,
    detail: `An unexpected error occurred. Quote request id ${requestId ?? 'unknown'} when reporting it.`,
    ...base,
  };
}
