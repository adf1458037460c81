import { describe, expect, it } from '@jest/globals';
import { aCaseReport } from '../../test/utils/case-report.factory.js';
import { flatText as flat, pdfPageTexts as pageTexts } from '../../test/utils/pdf-text.js';
import { reportModel, type CaseReport } from './case-report.js';
import { reportPdf } from './case-report.pdf.js';

/** A letter long enough to run over two pages before the patient's summary. */
function aLongLetter(name: string, over: Partial<CaseReport> = {}): CaseReport {
  const base = aCaseReport();
  return aCaseReport({
    patient: { name, mrn: 'MRN-0042', birthDate: '1968-03-14' },
    plan: {
      ...base.plan!,
      items: [
        ...base.plan!.items,
        ...Array.from({ length: 8 }, (_, i) => ({
          sequence: 4 + i,
          modality: 'systemic_therapy',
          intent: 'curative',
          description: `adjuvant trastuzumab emtansine, cycle block ${i + 1}, with cardiac monitoring by echocardiography every three months`,
        })),
      ],
    },
    dissent: Array.from({ length: 10 }, (_, i) => ({
      discipline: i % 2 === 0 ? 'surgical_oncology' : 'radiation_oncology',
      vote: 'agree_with_reservations',
      comment: `reservation ${i + 1}: the margin status after neoadjuvant therapy should be reviewed again before the operation is scheduled, and the axillary plan confirmed`,
    })),
    ...over,
  });
}

const unsigned = (r: CaseReport): CaseReport => ({
  ...r,
  plan: { ...r.plan!, status: 'proposed', signedAt: null, signer: null },
});

const NAMES: [string, string][] = [
  ['Polish', 'Łukasz Żółć'],
  ['Arabic', 'محمد عبد الله'],
  ['Chinese', '王小明'],
];

describe(reportPdf.name, () => {
  describe.each(NAMES)('for a patient with a %s name', (_, name) => {
    it('should print name, MRN, birth date and "Page N of M" on every page, and the signer on the signature page', async () => {
      const r = aLongLetter(name);
      const pdf = await reportPdf(r);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = await pageTexts(pdf);
      expect(pages.length).toBeGreaterThanOrEqual(3); // the letter over ≥ 2 pages, then the summary
      pages.forEach((page, i) => {
        // The name exactly as typed, in logical order (the Arabic one included: shaped, drawn right to left).
        expect(page).toContain(`Patient: ${name}`);
        expect(page).toContain('MRN MRN-0042');
        expect(page).toContain('DOB 1968-03-14');
        expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(page).not.toContain('DRAFT');
      });
      const signature = pages.filter((p) => /^Signature$/m.test(p));
      expect(signature).toHaveLength(1);
      expect(flat(signature[0])).toContain(
        'Signed for the multidisciplinary tumor board by Dr. Anna Nowak, Chair of the tumor board, Medical oncology, on 1 December 2026, 14:05 Europe/Warsaw (UTC+01:00).',
      );
      // The letter's first page greets the referrer and names the patient in the title.
      expect(pages[0]).toContain(`Second opinion for ${name}`);
    });

    it('should mark every page DRAFT while the plan is not signed', async () => {
      const pages = await pageTexts(await reportPdf(unsigned(aLongLetter(name))));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      pages.forEach((page, i) => {
        expect(page).toContain('DRAFT — not signed');
        expect(page).toContain(`Patient: ${name}`);
        expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      });
      expect(flat(pages[0])).toContain('not yet the board’s signed recommendation');
      expect(pages.join('\n')).not.toContain('Signed for the multidisciplinary tumor board');
    });
  });

  it('should hold the sections of the HTML, in the same order', async () => {
    const r = aCaseReport();
    const text = flat((await pageTexts(await reportPdf(r))).join('\n'));
    let at = -1;
    for (const s of reportModel(r).sections) {
      const next = text.indexOf(s.heading, at + 1);
      expect({ heading: s.heading, found: next > at }).toEqual({ heading: s.heading, found: true });
      at = next;
    }
    expect(text).toContain('1. Surgery (curative intent) — lumpectomy with sentinel node biopsy');
    expect(text).toContain('C50.4 Upper-outer quadrant of breast');
    expect(text).toContain('HER2: low (IHC 1+) → positive (IHC 3+)');
    expect(text).toContain('NCT04000001');
    expect(text).not.toContain('NCT04000002');
  });

  it('should embed the Unicode fonts the names need, and only those', async () => {
    const fonts = (pdf: Buffer): string[] =>
      [...pdf.toString('latin1').matchAll(/\/BaseFont \/[A-Z]{6}\+([A-Za-z-]+)/g)].map((m) => m[1]).sort();
    expect(fonts(await reportPdf(aLongLetter('محمد عبد الله')))).toEqual(
      expect.arrayContaining(['NotoNaskhArabic', 'NotoNaskhArabic-Bold', 'NotoSans-Bold', 'NotoSans-Regular']),
    );
    expect(fonts(await reportPdf(aLongLetter('王小明')))).toEqual(
      expect.arrayContaining(['NotoSansHans-Bold', 'NotoSansHans-Regular']),
    );
    const latin = fonts(await reportPdf(aLongLetter('Łukasz Żółć')));
    expect(latin.some((f) => f.startsWith('NotoSansHans') || f.startsWith('NotoNaskh'))).toBe(false);
    expect(latin.some((f) => f.startsWith('Helvetica'))).toBe(false);
  });
});
