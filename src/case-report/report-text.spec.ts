import { describe, expect, it } from '@jest/globals';
import { textRuns, type Face } from './report-text.js';

/** Coverage like the real fonts': Latin without arrows, Arabic and Hebrew with ASCII digits and spaces, CJK. */
function covers(face: Face, cp: number): boolean {
  const ascii = cp < 0x80;
  switch (face) {
    case 'latin':
      return cp < 0x0590 || (cp >= 0x2000 && cp <= 0x206f);
    case 'symbols':
      return cp >= 0x2190 && cp <= 0x22ff;
    case 'arabic':
      return (cp >= 0x0600 && cp <= 0x06ff) || cp === 0x20 || (cp >= 0x30 && cp <= 0x39);
    case 'hebrew':
      return (cp >= 0x0590 && cp <= 0x05ff) || cp === 0x20;
    case 'cjk':
      return (
        ascii || (cp >= 0x3000 && cp <= 0x9fff) || (cp >= 0xff00 && cp <= 0xffef) || (cp >= 0x2190 && cp <= 0x21ff)
      );
  }
}

const runs = (s: string) => textRuns(s, covers).map((r) => [r.face, r.text, r.rtl]);

describe(textRuns.name, () => {
  it('should keep Latin, Greek and Cyrillic in one run', () => {
    expect(runs('Łukasz Żółć, Ελένη, Дмитрий')).toEqual([['latin', 'Łukasz Żółć, Ελένη, Дмитрий', false]]);
  });

  it('should keep an Arabic name, its spaces included, in one right-to-left run, the comma after it outside', () => {
    expect(runs('Re: محمد عبد الله, MRN 7')).toEqual([
      ['latin', 'Re: ', false],
      ['arabic', 'محمد عبد الله', true],
      ['latin', ', MRN 7', false],
    ]);
  });

  it('should draw numbers after Arabic letters left to right, placed as the bidi algorithm places them', () => {
    // Logical "شارع 12 الحرية": drawn left to right as "الحرية", "12", "شارع".
    expect(runs('شارع 12 الحرية')).toEqual([
      ['arabic', ' الحرية', true],
      ['latin', '12', false],
      ['arabic', 'شارع ', true],
    ]);
  });

  it('should put Hebrew in its face and CJK with its punctuation in the CJK face', () => {
    expect(runs('שרה כהן')).toEqual([['hebrew', 'שרה כהן', true]]);
    expect(runs('王小明，你好')).toEqual([['cjk', '王小明，你好', false]]);
  });

  it('should take a symbol Noto Sans lacks from the symbols face', () => {
    expect(runs('HER2 1+ → 3+')).toEqual([
      ['latin', 'HER2 1+ ', false],
      ['symbols', '→', false],
      ['latin', ' 3+', false],
    ]);
  });

  it('should keep line breaks in the run they are in', () => {
    expect(runs('ER 90%\nHER2 3+')).toEqual([['latin', 'ER 90%\nHER2 3+', false]]);
  });

  it('should return no run for no text', () => {
    expect(textRuns('', covers)).toEqual([]);
  });
});
