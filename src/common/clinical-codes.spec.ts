import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  M_CATEGORY,
  MORPHOLOGY,
  N_CATEGORY,
  NCT_ID,
  STAGE_GROUP,
  T_CATEGORY,
  TOPOGRAPHY,
  topographyMatches,
} from './clinical-codes.js';

describe('clinical code formats', () => {
  it.each([
    [TOPOGRAPHY, ['C50.4', 'C00.0', 'C80.9', 'C18.7'], ['C81.0', 'C50', 'c50.4', 'C5.4', 'C50.45', 'D05.1']],
    [MORPHOLOGY, ['8500/3', '8140/2', '8000/6', '9590/0'], ['8500', '8500/5', '850/3', '8500/33']],
    [T_CATEGORY, ['TX', 'T0', 'Tis', 'T1mi', 'T1c', 'T4b', 'T2'], ['T5', 'T', 'N1', 'T1f']],
    [N_CATEGORY, ['NX', 'N0', 'N0(i+)', 'N1mi', 'N2a', 'N3c'], ['N4', 'N', 'T1']],
    [M_CATEGORY, ['M0', 'M1', 'M1b', 'MX'], ['M2', 'M']],
    [STAGE_GROUP, ['0', 'IA', 'IIB', 'IIIC', 'IV', 'IB2'], ['V', 'IIE', '3']],
    [NCT_ID, ['NCT01234567'], ['NCT1234567', 'nct01234567', 'NCT012345678']],
  ])('%s should accept valid codes and refuse others', (pattern, good, bad) => {
    for (const code of good) expect(pattern.test(code)).toBe(true);
    for (const code of bad) expect(pattern.test(code)).toBe(false);
  });
});

describe(topographyMatches.name, () => {
  it('should match sites, codes and ranges', () => {
    expect(topographyMatches('C50', 'C50.4')).toBe(true);
    expect(topographyMatches('C50.4', 'C50.4')).toBe(true);
    expect(topographyMatches('C50.4', 'C50.1')).toBe(false);
    expect(topographyMatches('C18-C21', 'C20.9')).toBe(true);
    expect(topographyMatches('C18-C21', 'C21.8')).toBe(true);
    expect(topographyMatches('C18-C21', 'C22.0')).toBe(false);
    expect(topographyMatches('C18.0-C18.4', 'C18.5')).toBe(false);
    expect(topographyMatches('C50', 'C51.0')).toBe(false);
  });

  it('should match every code under its own site', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 9 }), (site, sub) => {
        const s = `C${String(site).padStart(2, '0')}`;
        expect(topographyMatches(s, `${s}.${sub}`)).toBe(true);
      }),
    );
  });
});
