import type { FastifyRequest } from 'fastify';
import { RequestValidationException } from './problem.js';

/**
 * Bounds on the shape of a request body. They are checked on the raw JSON
 * text, in one pass and without recursion, before it is parsed: an object
 * of 100,000 keys or lists nested 10,000 deep is refused in milliseconds,
 * before class-transformer (roughly quadratic in the keys of one object)
 * or any recursive walk ever sees it.
 */
export interface BodyLimits {
  /** Objects and lists inside one another (the body itself is level 1). */
  maxDepth: number;
  /** Fields of one object. */
  maxKeysPerObject: number;
  /** Fields of all objects in the body together. */
  maxKeys: number;
  /** Items of one list. */
  maxArrayItems: number;
  /** Characters (UTF-16 code units, as JavaScript counts them) of one string or field name. */
  maxStringChars: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxDepth: 32,
  maxKeysPerObject: 200,
  maxKeys: 20_000,
  maxArrayItems: 10_000,
  maxStringChars: 1_048_576,
};

export interface BodyShapeOptions {
  /**
   * Field names whose string values are bounded by the body size alone, not
   * by `maxStringChars` (a FHIR Attachment's base64 `data`).
   */
  longStringKeys?: ReadonlySet<string>;
}

const QUOTE = 0x22;
const LETTER_U = 0x75;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

interface Frame {
  object: boolean;
  /** Keys (objects) or commas (lists) so far. */
  count: number;
  /** The last key of an object, as raw text offsets (no copy). */
  keyStart: number;
  keyEnd: number;
}

/** The longest field path an error names; a path is never more than a pointer into the body. */
const MAX_PATH_CHARS = 200;
const MAX_KEY_CHARS = 64;

function keyText(text: string, frame: Frame): string {
  const raw = text.slice(frame.keyStart, Math.min(frame.keyEnd, frame.keyStart + MAX_KEY_CHARS * 6));
  let key: string;
  try {
    key = JSON.parse(`"${raw}"`) as string;
  } catch {
    key = raw; // cut inside an escape
  }
  return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
}

/** The dotted path (`items[3].name`) of the value inside the first `depth` frames, for the error. */
function pathOf(text: string, stack: Frame[], depth: number): string {
  let path = '';
  for (let d = 0; d < depth; d++) {
    const frame = stack[d];
    if (!frame.object) path += `[${frame.count}]`;
    else if (frame.count > 0 || frame.keyEnd > frame.keyStart) {
      const key = keyText(text, frame);
      path = path === '' ? key : `${path}.${key}`;
    }
    if (path.length > MAX_PATH_CHARS) return `${path.slice(0, MAX_PATH_CHARS)}…`;
  }
  return path;
}

function refuse(path: string, message: string): RequestValidationException {
  return RequestValidationException.field(path === '' ? 'body' : path, message);
}

/**
 * Checks raw JSON text against the limits; throws a 400 naming the limit
 * (and the field where it was passed) at the first one exceeded. Text that
 * is not JSON passes through to the parser, which refuses it.
 */
export function assertJsonWithinLimits(text: string, limits: BodyLimits, options: BodyShapeOptions = {}): void {
  const { maxDepth, maxKeysPerObject, maxKeys, maxArrayItems, maxStringChars } = limits;
  const longStringKeys = options.longStringKeys;
  // Frames are reused: the stack never grows past maxDepth + 1.
  const stack: Frame[] = [];
  let depth = 0;
  let total = 0;
  // In an object, the next string is a key (after `{` or `,`).
  let expectKey = false;
  // The next backslash at or after the scan (-1: none left), found once per escape.
  let nextEscape = -2;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // indexOf, not a loop per character: a 60 MB base64 attachment is scanned in milliseconds.
      const start = i + 1;
      let length = 0;
      i = start;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (nextEscape !== -1 && nextEscape < i) nextEscape = text.indexOf('\\', i);
        if (quote === -1) {
          length += n - i;
          i = n;
          break;
        }
        if (nextEscape === -1 || nextEscape > quote) {
          length += quote - i;
          i = quote;
          break;
        }
        // An escape stands for one character: \n, \", \uXXXX.
        length += nextEscape - i + 1;
        i = nextEscape + (text.charCodeAt(nextEscape + 1) === LETTER_U ? 6 : 2);
      }
      const end = Math.min(i, n);
      i++;
      const top = depth > 0 ? stack[depth - 1] : undefined;
      if (top?.object === true && expectKey) {
        top.keyStart = start;
        top.keyEnd = end;
        expectKey = false;
        if (length > maxStringChars) {
          throw refuse(pathOf(text, stack, depth - 1), `a field name is longer than ${maxStringChars} characters`);
        }
      } else if (length > maxStringChars) {
        const exempt = longStringKeys !== undefined && top?.object === true && longStringKeys.has(keyText(text, top));
        if (!exempt) {
          const path = pathOf(text, stack, depth);
          throw refuse(path, `${path === '' ? 'the request' : path} is longer than ${maxStringChars} characters`);
        }
      }
      continue;
    }
    switch (c) {
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        if (depth >= maxDepth) {
          const path = pathOf(text, stack, depth);
          throw refuse(path, `the request nests objects or lists more than ${maxDepth} levels deep`);
        }
        const frame = stack[depth] ?? { object: false, count: 0, keyStart: 0, keyEnd: 0 };
        frame.object = c === OPEN_OBJECT;
        frame.count = 0;
        frame.keyStart = 0;
        frame.keyEnd = 0;
        stack[depth] = frame;
        depth++;
        expectKey = frame.object;
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth > 0) depth--;
        expectKey = false;
        break;
      case COLON: {
        const top = depth > 0 ? stack[depth - 1] : undefined;
        if (top?.object === true) {
          top.count++;
          total++;
          if (top.count > maxKeysPerObject) {
            const path = pathOf(text, stack, depth - 1);
            throw refuse(path, `${path === '' ? 'the request' : path} has more than ${maxKeysPerObject} fields`);
          }
          if (total > maxKeys) throw refuse('', `the request has more than ${maxKeys} fields`);
        }
        break;
      }
      case COMMA: {
        const top = depth > 0 ? stack[depth - 1] : undefined;
        if (top?.object === true) expectKey = true;
        else if (top !== undefined) {
          top.count++;
          // count commas: a list with `maxArrayItems` commas holds one item too many.
          if (top.count >= maxArrayItems) {
            const path = pathOf(text, stack, depth - 1);
            throw refuse(path, `${path === '' ? 'the request' : path} has more than ${maxArrayItems} items`);
          }
        }
        break;
      }
      default:
        break;
    }
    i++;
  }
}

/**
 * The same limits for a value that arrived already parsed (a socket.io
 * payload): one iterative walk, no recursion, stopping at the first limit.
 */
export function assertValueWithinLimits(value: unknown, limits: BodyLimits): void {
  let total = 0;
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: '' }];
  const label = (path: string): string => (path === '' ? 'the request' : path);
  const join = (path: string, key: string): string => {
    const k = key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
    const joined = path === '' ? k : `${path}.${k}`;
    return joined.length > MAX_PATH_CHARS ? `${joined.slice(0, MAX_PATH_CHARS)}…` : joined;
  };
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: v, depth, path } = next;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringChars)
        throw refuse(path, `${label(path)} is longer than ${limits.maxStringChars} characters`);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limits.maxDepth)
      throw refuse(path, `the request nests objects or lists more than ${limits.maxDepth} levels deep`);
    if (Array.isArray(v)) {
      if (v.length > limits.maxArrayItems)
        throw refuse(path, `${label(path)} has more than ${limits.maxArrayItems} items`);
      for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeysPerObject)
      throw refuse(path, `${label(path)} has more than ${limits.maxKeysPerObject} fields`);
    total += keys.length;
    if (total > limits.maxKeys) throw refuse('', `the request has more than ${limits.maxKeys} fields`);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key.length > limits.maxStringChars)
        throw refuse(path, `a field name is longer than ${limits.maxStringChars} characters`);
      pending.push({ value: (v as Record<string, unknown>)[key], depth: depth + 1, path: join(path, key) });
    }
  }
}

type Done = (error: Error | null, body?: unknown) => void;
/** Fastify's parsers answer through `done`; the promise some return carries nothing. */
type TextParser = (request: FastifyRequest, body: string, done: Done) => void | Promise<void>;
type JsonParser = (request: FastifyRequest, body: string | Buffer, done: Done) => void;

/**
 * Wraps a JSON content-type parser (Fastify's own, which refuses
 * `__proto__` and `constructor` keys) so the shape is checked first.
 * `optionsFor` picks per request, e.g. base64 room on FHIR routes.
 */
export function boundedJsonParser(
  parse: TextParser,
  limits: BodyLimits,
  optionsFor: (request: FastifyRequest) => BodyShapeOptions = () => ({}),
): JsonParser {
  return (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    try {
      assertJsonWithinLimits(text, limits, optionsFor(request));
    } catch (error) {
      done(error as Error);
      return;
    }
    void parse(request, text, done);
  };
}

/** A parser for a content type the API does not take (a 415, as for any other type). */
export function unsupportedMediaType(_request: FastifyRequest, _body: unknown, done: Done): void {
  done(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }));
}
