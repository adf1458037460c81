import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { parseIfMatch } from './if-match.js';
import { RequestValidationException } from './problem.js';

describe(parseIfMatch.name, () => {
  it('should read strong and weak ETags', () => {
    expect(parseIfMatch('"7"')).toBe(7);
    expect(parseIfMatch('W/"12"')).toBe(12);
  });

  it('should answer 428 when missing and 400 when malformed', () => {
    expect(() => parseIfMatch(undefined)).toThrow(HttpException);
    try {
      parseIfMatch(undefined);
    } catch (error) {
      expect((error as HttpException).getStatus()).toBe(428);
    }
    expect(() => parseIfMatch('7')).toThrow(RequestValidationException);
    expect(() => parseIfMatch('"abc"')).toThrow(RequestValidationException);
  });
});
