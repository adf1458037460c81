import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsString, validate } from 'class-validator';
import { SingleLine } from './transforms.js';
import { assertStorableText, badText } from './validation.js';

class NamedDto {
  @IsString() @SingleLine() name!: string;
  @IsString({ each: true }) @SingleLine({ each: true }) aliases!: string[];
}

const errorsOf = async (body: object): Promise<string[]> =>
  (await validate(plainToInstance(NamedDto, body))).flatMap((e) => Object.values(e.constraints ?? {}));

describe(SingleLine.name, () => {
  it('should accept one line of any script', async () => {
    await expect(errorsOf({ name: 'Clínica Mamá – 王 (Breast)', aliases: ['A', 'B'] })).resolves.toEqual([]);
  });

  it('should refuse line breaks, tabs, other controls and line separators, naming the field', async () => {
    for (const name of ['A\r\nBEGIN:VALARM', 'A\nB', 'A\rB', 'A\tB', 'A\u0007B', 'A\u0085B', 'A\u2028B', 'A\u2029B']) {
      await expect(errorsOf({ name, aliases: [] })).resolves.toEqual([
        'name must be a single line of text, without line breaks, tabs or other control characters',
      ]);
    }
    await expect(errorsOf({ name: 'ok', aliases: ['ok', 'x\ny'] })).resolves.toHaveLength(1);
  });
});

describe(badText.name, () => {
  it('should let multi-line text keep line breaks and tabs', () => {
    expect(badText({ notes: 'line 1\r\nline 2\n\tindented' })).toBeUndefined();
  });

  it('should find other control characters anywhere, by path', () => {
    expect(badText({ a: { b: ['ok', 'bell\u0007'] } })).toEqual({ field: 'a.b[1]', problem: 'control' });
    expect(badText({ a: 'esc\u001b[31m' })).toEqual({ field: 'a', problem: 'control' });
    expect(badText({ a: 'del\u007f' })).toEqual({ field: 'a', problem: 'control' });
    expect(badText({ a: 'nul\u0000' })).toEqual({ field: 'a', problem: 'unstorable' });
  });

  it('should refuse them with a 400 naming the field', () => {
    expect(() => assertStorableText({ notes: 'x\u0001' })).toThrow(/notes/);
  });
});
