import { describe, expect, it } from '@jest/globals';
import { normaliseBiomarker } from '../cases/clinical/biomarkers.js';
import { compareDiagnoses } from '../cases/clinical/comparison.js';
import { parseMorphology } from '../cases/clinical/codes.js';
import { parseTnm } from '../cases/clinical/staging.js';
import { validateDiagnosis, type DiagnosisInput } from '../cases/clinical/validate.js';
import {
  BREAST_DEMO_CASES,
  breastDemoCase,
  PROSTATE_DEMO_CASES,
  prostateDemoCase,
  prostateStageGroup,
  type DemoCase,
} from './demo-cases.js';
import { demoDiagnosis } from './demo-review.js';

const dx = demoDiagnosis;

const all: [string, DemoCase][] = [
  ...Array.from({ length: BREAST_DEMO_CASES }, (_, i): [string, DemoCase] => [`breast ${i}`, breastDemoCase(i)]),
  ...Array.from({ length: PROSTATE_DEMO_CASES }, (_, i): [string, DemoCase] => [`prostate ${i}`, prostateDemoCase(i)]),
];

/** What a pathologist would object to in one diagnosis. */
function incoherence(d: DiagnosisInput): string[] {
  const out = validateDiagnosis(d).map((e) => `${e.field}: ${e.messages.join('; ')}`);
  const behaviour = d.histology == null ? undefined : parseMorphology(d.histology)?.behaviour;
  const t = d.clinicalStage?.t == null ? undefined : parseTnm('t', d.clinicalStage.t);
  const inSitu = t?.rank?.main === 0.5;
  // AJCC 8 ch. 48: DCIS (/2) is Tis; an invasive carcinoma (/3) is never Tis.
  if (behaviour === 2 && !inSitu) out.push('in situ histology with an invasive T category');
  if (behaviour === 3 && inSitu) out.push('invasive histology with Tis');
  if ((behaviour === 2 || behaviour === 3) && !d.malignant) out.push('a carcinoma recorded as not malignant');
  const nodalMet = (d.additionalCancers ?? []).some(
    (c) => c.primarySite.startsWith('C77') && c.histology?.endsWith('/6'),
  );
  const n = d.clinicalStage?.n == null ? undefined : parseTnm('n', d.clinicalStage.n);
  if (nodalMet && (n?.rank?.main ?? 0) === 0) out.push('a nodal metastasis with N0');
  return out;
}

describe('demo cases', () => {
  it.each(all)('should be clinically coherent: %s', (_name, c) => {
    expect(incoherence(c.referring)).toEqual([]);
    expect(incoherence(c.board)).toEqual([]);
    if (c.sex === 'male') expect(c.referring.primarySite.startsWith('C50')).toBe(false);
  });

  it.each(all)('should classify as the case means it: %s', (_name, c) => {
    const r = compareDiagnoses(dx(c.referring), dx(c.board), {
      chairImpact: c.chairImpact,
      recommendation: c.recommendation,
    });
    if (c.kind === 'concordant') expect(r.concordance).toBe('concordant');
    else expect(r.concordance).not.toBe('concordant');
    // A biomarker change that moves a patient into or out of HER2-positive changes management (anti-HER2 therapy).
    const her2 = r.biomarkerChanges.find((b) => b.name === 'HER2');
    if (her2 !== undefined && (her2.toCategory === 'positive' || her2.fromCategory === 'positive'))
      expect(r.concordance).toBe('major');
    if (c.kind === 'nodal_metastasis') {
      expect(r.changeTypes).toEqual(expect.arrayContaining(['stage', 'additional_cancer']));
      expect(r.stageChanges.some((s) => s.element === 'n' && s.direction === 'up')).toBe(true);
    }
    if (c.kind === 'her2_positive')
      expect(normaliseBiomarker(c.board.biomarkers!.find((b) => b.name === 'HER2')!).category?.code).toBe('positive');
  });

  it('should reproduce Garcia et al. 2018 with the engine: 30/70 changed, 16 additional cancers (5 nodal), 14 pathology reinterpretations', () => {
    const results = Array.from({ length: BREAST_DEMO_CASES }, (_, i) => {
      const c = breastDemoCase(i);
      return {
        c,
        r: compareDiagnoses(dx(c.referring), dx(c.board), {
          chairImpact: c.chairImpact,
          recommendation: c.recommendation,
        }),
      };
    });
    expect(results.filter(({ r }) => r.changeTypes.length > 0)).toHaveLength(30);
    expect(results.filter(({ r }) => r.changeTypes.includes('additional_cancer'))).toHaveLength(16);
    expect(results.filter(({ r }) => r.additionalCancers.some((a) => a.primarySite.startsWith('C77')))).toHaveLength(5);
    expect(results.filter(({ r }) => r.pathologyReinterpretation)).toHaveLength(14);
  });

  it('should stage prostate cancer by the AJCC 8 prognostic groups (ch. 58)', () => {
    expect(prostateStageGroup('cT1c', 'cN0', 'cM0', 6, 1)).toBe('I');
    expect(prostateStageGroup('cT1c', 'cN0', 'cM0', 12, 1)).toBe('IIA');
    expect(prostateStageGroup('cT2a', 'cN0', 'cM0', 8, 2)).toBe('IIB');
    expect(prostateStageGroup('cT2a', 'cN0', 'cM0', 8, 3)).toBe('IIC');
    expect(prostateStageGroup('cT1c', 'cN0', 'cM0', 25, 2)).toBe('IIIA');
    expect(prostateStageGroup('cT1c', 'cN0', 'cM0', 8, 5)).toBe('IIIC');
    expect(prostateStageGroup('cT1c', 'cN1', 'cM0', 8, 2)).toBe('IVA');
  });
});
