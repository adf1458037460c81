import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aBoardDiagnosis, aCaseReport } from '../../test/utils/case-report.factory.js';
import {
  formatInstant,
  numberSteps,
  patientDisplayName,
  plainSummary,
  reportHtml,
  reportModel,
  siteWithName,
  histologyWithName,
  trialEligibility,
  type CaseReport,
  type ReportImpact,
} from './case-report.js';

const unescape = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The headings of the HTML page's sections, in order. */
function htmlHeadings(html: string): string[] {
  return [...html.matchAll(/<h([12]) id="[a-z-]+-h">(.*?)<\/h\1>/g)].map((m) => unescape(m[2]));
}

const unsigned = (r: CaseReport, status: 'draft' | 'proposed' = 'proposed'): CaseReport => ({
  ...r,
  plan: r.plan === null ? null : { ...r.plan, status, signedAt: null, signer: null },
});

const withChange = (over: Partial<NonNullable<CaseReport['change']>>): CaseReport => {
  const r = aCaseReport();
  return { ...r, change: { ...r.change!, ...over } };
};

const text = (r: CaseReport): string => plainSummary(r).join(' ');

describe(reportModel.name, () => {
  const variants: [string, CaseReport][] = [
    ['signed', aCaseReport()],
    ['proposed', unsigned(aCaseReport())],
    ['no plan', { ...aCaseReport(), plan: null }],
    ['no board diagnosis', { ...aCaseReport(), board: null, change: null }],
    ['benign', { ...aCaseReport(), board: aBoardDiagnosis({ malignant: false, histology: '9010/0' }) }],
  ];

  it.each(variants)('should give the HTML the sections of the model, in order (%s)', (_, r) => {
    const m = reportModel(r);
    expect(htmlHeadings(reportHtml(r))).toEqual(m.sections.map((s) => s.heading));
  });

  it('should have the same sections whatever the state, the referral’s recommendation among them', () => {
    const ids = variants.map(([, r]) => reportModel(r).sections.map((s) => s.id));
    for (const i of ids) expect(i).toEqual(ids[0]);
    expect(ids[0]).toEqual([
      'letter',
      'diagnosis',
      'recommendation',
      'plan',
      'dissent',
      'trials',
      'signature',
      'summary',
    ]);
    expect(reportHtml(aCaseReport())).toContain('lumpectomy with sentinel node biopsy');
  });

  it('should name the patient, MRN and birth date in the letter', () => {
    const html = reportHtml(aCaseReport());
    expect(html).toContain('Patient: <bdi>Łukasz Żółć</bdi> · MRN MRN-0042 · Born 1968-03-14');
    expect(html).toContain('Re: Łukasz Żółć, MRN MRN-0042, born 1968-03-14');
  });

  it('should show codes with their names', () => {
    const html = reportHtml(aCaseReport());
    expect(html).toContain('C50.4 Upper-outer quadrant of breast');
    expect(html).toContain('8500/3 Infiltrating duct carcinoma, NOS');
    expect(siteWithName('X99.9')).toBe('X99.9');
    expect(histologyWithName('0000/9')).toBe('0000/9');
  });

  it('should name the signer, the role and the time in the clinic’s time zone', () => {
    const html = reportHtml(aCaseReport());
    expect(html).toContain(
      'Signed for the multidisciplinary tumor board by Dr. Anna Nowak, Chair of the tumor board, Medical oncology, on 1 December 2026, 14:05 Europe/Warsaw (UTC+01:00).',
    );
    expect(html).not.toContain('DRAFT');
  });

  it('should mark the letter DRAFT until the plan is signed, and say it is not yet the board’s recommendation', () => {
    for (const r of [unsigned(aCaseReport(), 'draft'), unsigned(aCaseReport()), { ...aCaseReport(), plan: null }]) {
      const m = reportModel(r);
      expect(m.draft).toMatch(/^DRAFT — .*not yet the board’s signed recommendation/);
      const html = reportHtml(r);
      expect(html).toContain('<p class="draft" role="alert"><strong>DRAFT — ');
      expect(html).toContain('Not signed. The plan in this letter is a draft');
      expect(html).not.toContain('Signed for the multidisciplinary tumor board');
      expect(text(r)).not.toContain('The recommended treatment, in order');
    }
    expect(reportModel(unsigned(aCaseReport())).sections.find((s) => s.id === 'plan')?.blocks[0]).toEqual({
      kind: 'banner',
      text: expect.stringContaining('plan version 2 is proposed and not yet signed'),
    });
    expect(reportModel(aCaseReport()).draft).toBeNull();
  });

  it('should list eligible trials as options and possibly eligible ones as to be checked, and leave out the others', () => {
    const html = reportHtml(aCaseReport());
    const options = html.indexOf('Options: the patient meets every criterion');
    const check = html.indexOf('To be checked: possibly eligible');
    expect(options).toBeGreaterThan(0);
    expect(check).toBeGreaterThan(options);
    expect(html.indexOf('NCT04000001')).toBeGreaterThan(options);
    expect(html.indexOf('NCT04000001')).toBeLessThan(check);
    expect(html.indexOf('NCT04000003')).toBeGreaterThan(check);
    expect(html).not.toContain('NCT04000002');
    const onlyPossible = reportHtml({ ...aCaseReport(), trials: [aCaseReport().trials[1]] });
    expect(onlyPossible).not.toContain('Options: the patient meets');
    expect(onlyPossible).toContain('To be checked');
  });

  it('should escape every user text in the HTML', () => {
    const r = aCaseReport({
      patient: { name: '<script>alert(1)</script>', mrn: 'A&B', birthDate: '1968-03-14' },
      referringClinician: 'Dr. "Quote"',
      dissent: [{ discipline: 'pathology', vote: 'disagree', comment: '<img src=x onerror=alert(1)>' }],
    });
    const html = reportHtml(r);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('MRN A&amp;B');
    expect(html).toContain('Dr. &quot;Quote&quot;');
  });

  it('should say a benign board diagnosis is not malignant in the letter table', () => {
    const r = { ...aCaseReport(), board: aBoardDiagnosis({ malignant: false, histology: '9010/0' }) };
    const html = reportHtml(r);
    expect(html).toContain('<td>Not malignant (benign on review)</td>');
    expect(html).toContain('<td>Malignant</td>');
    expect(html).toContain('Not applicable: the board found no malignancy.');
    expect(html).not.toContain('NCT04000001');
  });
});

describe(numberSteps.name, () => {
  it('should number steps consecutively in display order and say which go together', () => {
    const steps = numberSteps([
      { sequence: 3, modality: 'radiation', intent: 'curative' },
      { sequence: 1, modality: 'systemic_therapy', intent: 'curative', description: 'TCHP' },
      { sequence: 2, modality: 'surgery', intent: 'curative' },
      { sequence: 1, modality: 'genetic_counseling', intent: 'diagnostic' },
    ]);
    expect(steps.map((s) => [s.number, s.item.modality, s.together])).toEqual([
      [1, 'systemic_therapy', [2]],
      [2, 'genetic_counseling', [1]],
      [3, 'surgery', []],
      [4, 'radiation', []],
    ]);
  });

  it('should write the numbered plan into the letter, never 1, 1, 2, 3', () => {
    const html = reportHtml(aCaseReport());
    const plan = html.slice(html.indexOf('id="plan"'), html.indexOf('id="dissent"'));
    expect([...plan.matchAll(/<li value="(\d+)">/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4']);
    expect(plan).toContain('neoadjuvant TCHP (given together with step 2)');
    expect(plan).toContain('germline BRCA testing (given together with step 1)');
  });
});

describe(plainSummary.name, () => {
  it('should say the treatment changed when the impact is changed, and list the changes in plain words', () => {
    const s = text(aCaseReport());
    expect(s).toContain('the treatment the board recommends is different from the one first suggested');
    expect(s).toContain('surgery: mastectomy instead of lumpectomy');
    expect(s).toContain('markers tested on the cancer cells and how far the cancer has spread (stage)');
    expect(s).not.toContain('does not change');
  });

  it('should say a potential impact may change the treatment', () => {
    const s = text(withChange({ managementImpact: 'potential', treatmentChanges: [] }));
    expect(s).toContain('This may change your treatment; your doctor will discuss it with you.');
    expect(s).not.toContain('does not change');
    expect(s).not.toContain('is different from the one first suggested');
  });

  it('should say the treatment does not change when the impact is none', () => {
    const s = text(
      withChange({ concordance: 'minor', changeTypes: ['grade'], managementImpact: 'none', treatmentChanges: [] }),
    );
    expect(s).toContain('how fast the cancer cells look like they grow (grade)');
    expect(s).toContain('This does not change the treatment that was first suggested.');
  });

  it('should say a benign finding is not cancer, with no talk of trials or cancer treatment', () => {
    const r: CaseReport = {
      ...aCaseReport(),
      board: aBoardDiagnosis({ malignant: false, histology: '9010/0' }),
      change: { ...aCaseReport().change!, changeTypes: ['malignancy', 'histology'] },
      plan: { ...aCaseReport().plan!, items: [{ sequence: 1, modality: 'surveillance', intent: 'supportive' }] },
    };
    const s = text(r);
    expect(s).toContain('The board found that the growth is not cancer.');
    expect(s).toContain('This is different from the diagnosis you were first given.');
    expect(s).toContain('The next steps the board recommends, in order: regular check-ups.');
    expect(s).not.toMatch(/stud(y|ies)|trial|cancer cells|treatment the board recommends|spread/i);
  });

  it('should say the board agrees with the diagnosis but recommends a different treatment', () => {
    for (const r of [
      withChange({ concordance: 'major', changeTypes: [], managementImpact: 'changed' }),
      withChange({ concordance: 'major', changeTypes: [], managementImpact: 'changed', treatmentChanges: [] }),
    ]) {
      const s = text(r);
      expect(s).toContain('The board agrees with the diagnosis but recommends a different treatment.');
      expect(s).not.toContain('does not change');
      expect(s).not.toContain('found a difference');
    }
    expect(text(withChange({ changeTypes: [], managementImpact: 'changed' }))).toContain(
      'What is different: surgery: mastectomy instead of lumpectomy',
    );
  });

  it('should never say the treatment is unchanged when it changed', () => {
    const impacts: ReportImpact[] = ['none', 'potential', 'changed'];
    fc.assert(
      fc.property(
        fc.constantFrom(...impacts),
        fc.subarray(['biomarker', 'stage', 'histology', 'grade', 'laterality']),
        fc.subarray(['Surgery: lumpectomy → mastectomy', 'Radiation therapy added']),
        (impact, changeTypes, treatmentChanges) => {
          const s = text(withChange({ managementImpact: impact, changeTypes, treatmentChanges }));
          if (impact === 'changed' || treatmentChanges.length > 0) expect(s).not.toContain('does not change');
          if (impact === 'changed')
            expect(s).toMatch(/different from the one first suggested|recommends a different treatment/);
          if (impact === 'none' && changeTypes.length > 0 && treatmentChanges.length === 0)
            expect(s).toContain('does not change the treatment');
        },
      ),
    );
  });

  it('should talk of trials only for eligible or possibly eligible ones', () => {
    expect(text(aCaseReport())).toContain('clinical studies you may be able to join');
    const possible = { ...aCaseReport(), trials: [aCaseReport().trials[1]] };
    expect(text(possible)).toContain('Your doctor will check whether you can join some clinical studies.');
    expect(text(possible)).not.toContain('you may be able to join');
    expect(text({ ...aCaseReport(), trials: [aCaseReport().trials[2]] })).not.toMatch(/stud(y|ies)/);
  });
});

describe(trialEligibility.name, () => {
  it('should use the matcher’s status when it gives one, else possibly eligible when criteria are unknown', () => {
    expect(trialEligibility({ eligible: true, unknown: 0 })).toBe('eligible');
    expect(trialEligibility({ eligible: true, unknown: 2 })).toBe('possibly_eligible');
    expect(trialEligibility({ eligible: false, unknown: 0 })).toBe('not_eligible');
    expect(trialEligibility({ eligible: true, unknown: 0, status: 'possibly_eligible' })).toBe('possibly_eligible');
    expect(trialEligibility({ eligible: false, unknown: 1, status: 'not_eligible' })).toBe('not_eligible');
    expect(trialEligibility({ eligible: true, unknown: 1, status: 'something else' })).toBe('possibly_eligible');
  });
});

describe(patientDisplayName.name, () => {
  it('should write Chinese, Japanese and Korean names family first, others given first', () => {
    expect(patientDisplayName('小明', '王')).toBe('王小明');
    expect(patientDisplayName('Łukasz', 'Żółć')).toBe('Łukasz Żółć');
    expect(patientDisplayName('محمد', 'عبد الله')).toBe('محمد عبد الله');
  });
});

describe(formatInstant.name, () => {
  it('should show the time in the clinic’s zone with the zone and offset', () => {
    expect(formatInstant('2026-12-01T13:05:00.000Z', 'Europe/Warsaw')).toBe(
      '1 December 2026, 14:05 Europe/Warsaw (UTC+01:00)',
    );
    expect(formatInstant('2026-07-01T13:05:00.000Z', 'America/Denver')).toBe(
      '1 July 2026, 07:05 America/Denver (UTC-06:00)',
    );
  });
});
