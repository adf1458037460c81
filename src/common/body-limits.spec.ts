import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  assertJsonWithinLimits,
  assertValueWithinLimits,
  DEFAULT_BODY_LIMITS,
  type BodyLimits,
} from './body-limits.js';
import { RequestValidationException } from './problem.js';

const SMALL: BodyLimits = { maxDepth: 4, maxKeysPerObject: 3, maxKeys: 8, maxArrayItems: 3, maxStringChars: 5 };

function refusal(work: () => void): { field: string; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationException);
    const [first] = (error as RequestValidationException).fieldErrors;
    return { field: first.field, message: first.messages[0] };
  }
}

describe(assertJsonWithinLimits.name, () => {
  it('should refuse 100,000 unknown keys in a few milliseconds, naming the limit', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(',');
    const text = `{"refreshToken":"x",${keys}}`;
    const started = performance.now();
    expect(() => assertJsonWithinLimits(text, DEFAULT_BODY_LIMITS)).toThrow(RequestValidationException);
    expect(performance.now() - started).toBeLessThan(50);
    const r = refusal(() => assertJsonWithinLimits(text, DEFAULT_BODY_LIMITS));
    expect(r).toEqual({ field: 'body', message: 'the request has more than 200 fields' });
  });

  it('should refuse nesting 10,000 deep without recursion', () => {
    const r = refusal(() =>
      assertJsonWithinLimits(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, DEFAULT_BODY_LIMITS),
    );
    expect(r?.message).toBe('the request nests objects or lists more than 32 levels deep');
    expect(r?.field).toBe(Array.from({ length: 32 }, () => 'a').join('.'));
    const lists = refusal(() => assertJsonWithinLimits('['.repeat(10_000), DEFAULT_BODY_LIMITS));
    expect(lists?.field).toBe('[0]'.repeat(32));
  });

  it('should name the field where a limit was passed', () => {
    expect(refusal(() => assertJsonWithinLimits('{"a":{"b":[1,2,3,4]}}', SMALL))).toEqual({
      field: 'a.b',
      message: 'a.b has more than 3 items',
    });
    expect(refusal(() => assertJsonWithinLimits('{"a":[{"x":1},{"p":1,"q":2,"r":3,"s":4}]}', SMALL))).toEqual({
      field: 'a[1]',
      message: 'a[1] has more than 3 fields',
    });
    expect(refusal(() => assertJsonWithinLimits('{"a":{"name":"abcdef"}}', SMALL))).toEqual({
      field: 'a.name',
      message: 'a.name is longer than 5 characters',
    });
    expect(refusal(() => assertJsonWithinLimits('{"a\\"b":"abcdef"}', SMALL))?.field).toBe('a"b');
    expect(refusal(() => assertJsonWithinLimits('{"abcdefgh":1}', SMALL))?.message).toBe(
      'a field name is longer than 5 characters',
    );
    expect(
      refusal(() =>
        assertJsonWithinLimits('[{"a":1,"b":2},{"c":1,"d":2},{"e":1,"f":2},{"g":1,"h":2,"i":3}]', {
          ...SMALL,
          maxArrayItems: 10,
        }),
      ),
    ).toEqual({ field: 'body', message: 'the request has more than 8 fields' });
  });

  it('should count escapes as the characters they stand for, and ignore structure inside strings', () => {
    expect(() => assertJsonWithinLimits('{"a":"\\u0041\\n\\"\\\\x"}', SMALL)).not.toThrow();
    expect(() => assertJsonWithinLimits('{"a":"{[:,"}', SMALL)).not.toThrow();
    expect(() => assertJsonWithinLimits('{"a":"[[[[[,,,,"}', { ...SMALL, maxStringChars: 100 })).not.toThrow();
  });

  it('should leave long strings under the exempt keys (base64 attachment data) to the body limit', () => {
    const limits = { ...SMALL, maxStringChars: 20 };
    const body = JSON.stringify({ content: [{ attachment: { data: 'QUJD'.repeat(10) } }] });
    expect(refusal(() => assertJsonWithinLimits(body, limits))?.field).toBe('content[0].attachment.data');
    expect(() => assertJsonWithinLimits(body, limits, { longStringKeys: new Set(['data']) })).not.toThrow();
    expect(
      refusal(() =>
        assertJsonWithinLimits(JSON.stringify({ title: 'x'.repeat(21) }), limits, {
          longStringKeys: new Set(['data']),
        }),
      )?.field,
    ).toBe('title');
  });

  it('should decide as a walk over the parsed value does, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const onText = refusal(() => assertJsonWithinLimits(text, SMALL));
        const onValue = refusal(() => assertValueWithinLimits(value, SMALL));
        expect(onText === undefined).toBe(onValue === undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('should pass everything the default limits allow', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        expect(() => assertJsonWithinLimits(JSON.stringify(value), DEFAULT_BODY_LIMITS)).not.toThrow();
      }),
    );
  });
});

describe(assertValueWithinLimits.name, () => {
  it('should refuse a socket payload nested 30,000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 30_000; i++) deep = { a: deep };
    expect(refusal(() => assertValueWithinLimits(deep, DEFAULT_BODY_LIMITS))?.message).toBe(
      'the request nests objects or lists more than 32 levels deep',
    );
  });

  it('should refuse too many fields, items or characters, naming the field', () => {
    expect(refusal(() => assertValueWithinLimits({ a: [1, 2, 3, 4] }, SMALL))?.field).toBe('a');
    expect(refusal(() => assertValueWithinLimits({ a: { b: 'abcdef' } }, SMALL))?.field).toBe('a.b');
    expect(refusal(() => assertValueWithinLimits({ p: 1, q: 2, r: 3, s: 4 }, SMALL))?.message).toBe(
      'the request has more than 3 fields',
    );
  });
});
