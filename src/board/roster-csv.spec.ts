import { describe, expect, it } from '@jest/globals';
import { parse as parseCsvText } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvDocument, csvField } from './roster-csv.js';

/** Reads CSV strictly as RFC 4180 (csv-parse): CRLF records, quoted fields, equal column counts. */
const parse = (text: string): string[][] => parseCsvText(text, { record_delimiter: '\r\n' });

describe(csvField.name, () => {
  it('should quote commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Smith, Jane')).toBe('"Smith, Jane"');
    expect(csvField('the "chair"')).toBe('"the ""chair"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(1.25)).toBe('1.25');
  });

  it('should defuse a cell a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField(-2)).toBe('-2');
  });
});

describe(csvDocument.name, () => {
  it('should read back as written (RFC 4180), every text cell safe', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const doc = csvDocument(['a', 'b'], rows);
        expect(doc.startsWith('\uFEFF')).toBe(true);
        const back = parse(doc.slice(1));
        expect(back[0]).toEqual(['a', 'b']);
        expect(back.slice(1)).toEqual(rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))));
      }),
    );
  });
});
