import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aGeneticTest, aHistory, aTreatment } from '../../../test/utils/history.factory.js';
import { MODALITIES } from '../entities/case.entity.js';
import { historyFacts } from './history-facts.js';
import { TEST_ORIGINS, TEST_RESULTS, type GeneticTestResult } from './history.types.js';

describe(historyFacts.name, () => {
  it('should give empty facts for an empty history', () => {
    expect(historyFacts(aHistory())).toEqual({
      priorTherapies: [],
      maxLine: null,
      menopausalStatus: null,
      germlinePathogenic: [],
      somaticVariants: [],
    });
  });

  it('should list prior therapies with a known regimen resolved to its drugs', () => {
    const facts = historyFacts(
      aHistory({
        treatments: [
          aTreatment({ regimen: 'tchp', line: 1 }),
          aTreatment({ modality: 'surgery' }),
          aTreatment({ drugs: [' Trastuzumab Deruxtecan ', 'trastuzumab deruxtecan'], line: 2 }),
          aTreatment({ regimen: 'Local trial regimen X', drugs: ['Carboplatin'] }),
        ],
      }),
    );
    expect(facts.priorTherapies).toEqual([
      {
        modality: 'systemic_therapy',
        regimen: 'TCHP',
        drugs: ['docetaxel', 'carboplatin', 'trastuzumab', 'pertuzumab'],
        line: 1,
      },
      { modality: 'surgery', drugs: [] },
      { modality: 'systemic_therapy', drugs: ['trastuzumab deruxtecan'], line: 2 },
      { modality: 'systemic_therapy', regimen: 'Local trial regimen X', drugs: ['carboplatin'] },
    ]);
    expect(facts.maxLine).toBe(2);
  });

  it('should take the highest line, not the last one', () => {
    const facts = historyFacts(
      aHistory({ treatments: [aTreatment({ line: 3 }), aTreatment({ line: 1 }), aTreatment()] }),
    );
    expect(facts.maxLine).toBe(3);
  });

  it('should pass the menopausal status through', () => {
    expect(historyFacts(aHistory({ menopausalStatus: 'premenopausal' })).menopausalStatus).toBe('premenopausal');
  });

  it('should count only pathogenic and likely pathogenic germline variants as germline findings', () => {
    const facts = historyFacts(
      aHistory({
        geneticTests: [
          aGeneticTest({ gene: 'brca2', variant: 'c.5946delT', result: 'pathogenic' }),
          aGeneticTest({ gene: 'BRCA2', variant: 'c.5946delT', result: 'likely_pathogenic' }),
          aGeneticTest({ gene: 'CHEK2', variant: 'c.1100delC', result: 'likely_pathogenic' }),
          aGeneticTest({ gene: 'ATM', variant: 'c.123A>G', result: 'vus' }),
          aGeneticTest({ gene: 'PALB2', variant: 'c.1A>G', result: 'likely_benign' }),
          aGeneticTest({ gene: null, variant: null, result: 'negative' }),
          aGeneticTest({ gene: 'BRCA1', variant: null, result: 'not_detected' }),
          aGeneticTest({ origin: 'somatic', gene: 'TP53', variant: 'p.R175H', result: 'pathogenic' }),
        ],
      }),
    );
    expect(facts.germlinePathogenic).toEqual([
      { gene: 'BRCA2', variant: 'c.5946delT' },
      { gene: 'CHEK2', variant: 'c.1100delC' },
    ]);
  });

  it('should list detected somatic variants with their strongest classification, and leave benign and negative out', () => {
    const facts = historyFacts(
      aHistory({
        geneticTests: [
          aGeneticTest({ origin: 'somatic', gene: 'PIK3CA', variant: 'p.H1047R', result: 'vus' }),
          aGeneticTest({ origin: 'somatic', gene: 'ESR1', variant: 'p.D538G', result: 'likely_pathogenic' }),
          aGeneticTest({ origin: 'somatic', gene: 'pik3ca', variant: 'p.H1047R', result: 'pathogenic' }),
          aGeneticTest({ origin: 'somatic', gene: 'ALK', variant: null, result: 'pathogenic' }),
          aGeneticTest({ origin: 'somatic', gene: 'KRAS', variant: 'p.G12C', result: 'benign' }),
          aGeneticTest({ origin: 'somatic', gene: 'EGFR', variant: null, result: 'not_detected' }),
          aGeneticTest({ origin: 'germline', gene: 'BRCA1', variant: 'c.68_69delAG', result: 'pathogenic' }),
        ],
      }),
    );
    expect(facts.somaticVariants).toEqual([
      { gene: 'PIK3CA', variant: 'p.H1047R', result: 'pathogenic' },
      { gene: 'ESR1', variant: 'p.D538G', result: 'likely_pathogenic' },
      { gene: 'ALK', result: 'pathogenic' },
    ]);
  });

  const arbitraryTest: fc.Arbitrary<GeneticTestResult> = fc.record({
    testName: fc.constant('panel'),
    origin: fc.constantFrom(...TEST_ORIGINS),
    gene: fc.option(fc.constantFrom('BRCA1', 'BRCA2', 'TP53', 'PIK3CA'), { nil: null }),
    variant: fc.option(fc.constantFrom('c.68_69delAG', 'p.R175H', 'p.H1047R'), { nil: null }),
    result: fc.constantFrom(...TEST_RESULTS),
    date: fc.constant(null),
    lab: fc.constant(null),
  });

  it('should never make a germline finding of a negative, benign or VUS result, nor of a somatic one', () => {
    fc.assert(
      fc.property(fc.array(arbitraryTest, { maxLength: 12 }), (tests) => {
        const facts = historyFacts(aHistory({ geneticTests: tests }));
        const findings = tests.filter(
          (g) => g.origin === 'germline' && g.gene !== null && ['pathogenic', 'likely_pathogenic'].includes(g.result),
        );
        expect(facts.germlinePathogenic.length).toBeLessThanOrEqual(findings.length);
        expect(facts.germlinePathogenic.length > 0).toBe(findings.length > 0);
        for (const f of facts.germlinePathogenic) {
          expect(findings.some((g) => g.gene === f.gene && (g.variant ?? undefined) === f.variant)).toBe(true);
        }
        for (const s of facts.somaticVariants) expect(['pathogenic', 'likely_pathogenic', 'vus']).toContain(s.result);
      }),
    );
  });

  it('should give the highest stated line, and one prior therapy per treatment in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            modality: fc.constantFrom(...MODALITIES),
            line: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
          }),
          { maxLength: 15 },
        ),
        (items) => {
          const facts = historyFacts(aHistory({ treatments: items.map((i) => aTreatment(i)) }));
          const lines = items.flatMap((i) => (i.line === null ? [] : [i.line]));
          expect(facts.maxLine).toBe(lines.length === 0 ? null : Math.max(...lines));
          expect(facts.priorTherapies.map((p) => [p.modality, p.line ?? null])).toEqual(
            items.map((i) => [i.modality, i.line]),
          );
        },
      ),
    );
  });
});
