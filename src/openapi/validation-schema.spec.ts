import { describe, expect, it } from '@jest/globals';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf, registerDecorator } from 'class-validator';
import { SingleLine } from '../common/transforms.js';
import {
  allPatterns,
  applyPropertyRules,
  classRules,
  CONTROL_FREE,
  patternOf,
  SINGLE_LINE,
} from './validation-schema.js';

class Sample {
  @IsIn(['a', 'b']) kind!: string;
  @ValidateIf((o: Sample) => o.kind === 'b' || o.note !== undefined) @IsString() @MaxLength(5) note?: string;
  @IsOptional() @IsUUID() ref?: string;
  @IsString() @SingleLine() name!: string;
  @Matches(/^[0-9a-f]{2}$/i) hex!: string;
  @ValidateIf((_o, v) => v !== null) @Matches(/^\d+$/) count!: string | null;
}

function Unmapped(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'somethingNew',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: { validate: () => true },
    });
}
class WithUnmapped {
  @Unmapped() odd!: string;
}

describe('validation-schema', () => {
  it('should spell out the i flag, which a JSON Schema pattern cannot carry', () => {
    const pattern = patternOf(/^[0-9a-f-]{36}x$/i);
    expect(pattern).toBe('^[0-9a-fA-F-]{36}[xX]$');
    expect(new RegExp(pattern).test(`${'A'.repeat(36)}X`)).toBe(true);
    expect(() => patternOf(/a/m)).toThrow(/flags/);
  });

  it('should combine patterns so that all must match', () => {
    const both = new RegExp(allPatterns(['^c\\.', CONTROL_FREE]) ?? '', 'u');
    expect(both.test('c.5266dupC')).toBe(true);
    expect(both.test('c.52\u0001')).toBe(false);
    expect(both.test('x.5266')).toBe(false);
  });

  it('should read required, conditions and null from the validators', () => {
    const rules = classRules(Sample).properties;
    expect(rules.get('kind')).toMatchObject({ required: true, schema: { enum: ['a', 'b'] } });
    expect(rules.get('note')).toMatchObject({ required: false, requiredWhen: { kind: ['b'] } });
    expect(rules.get('ref')).toMatchObject({ required: false, nullable: true, schema: { format: 'uuid' } });
    expect(rules.get('count')).toMatchObject({ required: true, nullable: true });
    expect(rules.get('name')?.patterns).toEqual([SINGLE_LINE]);
  });

  it('should add the control-character rule to free text only', () => {
    const rules = classRules(Sample).properties;
    const text = applyPropertyRules({ type: 'string' }, rules.get('note')!);
    expect(text).toMatchObject({ type: 'string', maxLength: 5, pattern: CONTROL_FREE });
    expect(applyPropertyRules({ type: 'string' }, rules.get('hex')!).pattern).toBe('^[0-9a-fA-F]{2}$');
    // Null is documented only where the DTO's ApiProperty says so.
    expect(applyPropertyRules({ type: 'string' }, rules.get('ref')!).nullable).toBeUndefined();
    expect(applyPropertyRules({ type: 'string', nullable: true }, rules.get('count')!).nullable).toBe(true);
  });

  it('should refuse a validator it has no mapping for', () => {
    expect(() => classRules(WithUnmapped)).toThrow(/somethingNew on WithUnmapped\.odd has no JSON Schema mapping/);
  });
});
