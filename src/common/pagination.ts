import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { RequestValidationException } from './problem.js';
import { isRealTimestamp } from './transforms.js';
import { unstorableText } from './validation.js';

/** `?limit=&cursor=` for every list. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,512}$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * What a cursor field must be: `string` (storable text), `number` (finite),
 * `int` (a safe integer from 0), `bigint` (decimal digits, as a bigint id is
 * sent), `uuid`, or `timestamp` (a real one, ISO 8601 or PostgreSQL's text).
 * A forged cursor then fails here as a 400 on `cursor`, never in the query.
 */
export type CursorField = 'string' | 'number' | 'int' | 'bigint' | 'uuid' | 'timestamp';
type CursorValue<F extends CursorField> = F extends 'number' | 'int' ? number : string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cursorFieldValid(value: unknown, type: CursorField): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= 1000 && unstorableText(value) === undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'bigint':
      return typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= 9223372036854775807n;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'timestamp':
      return isRealTimestamp(value);
  }
}

/** Decodes a cursor whose keys must all be present with the given types. */
export function decodeCursor<S extends Record<string, CursorField>>(
  cursor: string,
  shape: S,
): { [K in keyof S]: CursorValue<S[K]> } {
  const invalid = (): RequestValidationException =>
    RequestValidationException.field('cursor', 'cursor must be a cursor returned by a previous page');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const record = parsed as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    if (!Object.hasOwn(record, key) || !cursorFieldValid(record[key], type)) throw invalid();
  }
  return record as { [K in keyof S]: CursorValue<S[K]> };
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: more && last !== undefined ? cursorOf(last) : null };
}
