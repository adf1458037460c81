import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { historyBody } from '../../../../test/utils/history.factory.js';
import { RequestValidationException, type FieldError } from '../../../common/problem.js';
import { createValidationPipe } from '../../../common/validation.js';
import { toHistoryDocument } from '../history.mapper.js';
import { PatientHistoryDto } from './history.dto.js';

const pipe = createValidationPipe();
const validate = (body: unknown): Promise<unknown> =>
  pipe.transform(body, { type: 'body', metatype: PatientHistoryDto });

async function fieldErrors(body: unknown): Promise<FieldError[]> {
  try {
    await validate(body);
    return [];
  } catch (error) {
    if (error instanceof RequestValidationException) return error.fieldErrors;
    throw error;
  }
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);

describe(PatientHistoryDto.name, () => {
  it('should accept a whole history and map it to a document with every section', async () => {
    const dto = (await validate(historyBody())) as PatientHistoryDto;
    const document = toHistoryDocument(dto);
    expect(document.treatments[0]).toEqual({
      modality: 'systemic_therapy',
      drugs: [],
      regimen: 'TCHP',
      startDate: '2023-01-10',
      endDate: '2023-05-02',
      line: 1,
      setting: 'neoadjuvant',
      bestResponse: 'partial_response',
      institution: 'Community Hospital',
      notes: null,
    });
    expect(document).toMatchObject({ pregnancyWeeks: null, firstTreatmentDate: null });
    await expect(validate({})).resolves.toBeInstanceOf(PatientHistoryDto);
  });

  const dateFields = [
    (date: string) => ({
      path: 'treatments[0].startDate',
      body: historyBody({ treatments: [{ modality: 'surgery', startDate: date }] }),
    }),
    (date: string) => ({
      path: 'treatments[0].endDate',
      body: historyBody({ treatments: [{ modality: 'surgery', endDate: date }] }),
    }),
    (date: string) => ({
      path: 'medications[0].startDate',
      body: historyBody({ medications: [{ name: 'letrozole', startDate: date }] }),
    }),
    (date: string) => ({
      path: 'geneticTests[0].date',
      body: historyBody({ geneticTests: [{ testName: 'panel', origin: 'germline', result: 'negative', date }] }),
    }),
  ];

  it('should refuse a date in the future in every date field, naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...dateFields),
        fc.date({ min: new Date(Date.now() + 2 * 86_400_000), max: new Date('2999-12-31'), noInvalidDate: true }),
        async (field, date) => {
          const { path, body } = field(iso(date));
          const errors = await fieldErrors(body);
          expect(errors).toEqual([
            { field: path, messages: [`${path} must be a date YYYY-MM-DD, not in the future and not before 1900`] },
          ]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should accept any past date from 1900 in every date field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...dateFields),
        fc.date({ min: new Date('1900-01-01'), max: new Date(Date.now() - 86_400_000), noInvalidDate: true }),
        async (field, date) => {
          await expect(fieldErrors(field(iso(date)).body)).resolves.toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should refuse any value outside a vocabulary, naming the field and the words allowed', async () => {
    const vocabularies = [
      { path: 'menopausalStatus', body: (v: string) => historyBody({ menopausalStatus: v }) },
      { path: 'pregnancyStatus', body: (v: string) => historyBody({ pregnancyStatus: v }) },
      {
        path: 'treatments[0].bestResponse',
        body: (v: string) => historyBody({ treatments: [{ modality: 'surgery', bestResponse: v }] }),
      },
      {
        path: 'allergies[0].severity',
        body: (v: string) => historyBody({ allergies: [{ substance: 'latex', severity: v }] }),
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...vocabularies),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((s) => !/^(unknown|not_applicable|pregnant|mild|moderate|severe)$/.test(s)),
        async (vocabulary, value) => {
          const errors = await fieldErrors(vocabulary.body(value));
          expect(errors.map((e) => e.field)).toEqual([vocabulary.path]);
          expect(errors[0]?.messages[0]).toMatch(
            new RegExp(`^${vocabulary.path.replace(/[[\].]/g, '\\$&')} must be one of `),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('should check HGVS loosely: a c./p./g./n./m./r. description, with or without a reference sequence', async () => {
    const body = (variant: string) =>
      historyBody({
        geneticTests: [{ testName: 'NGS', origin: 'somatic', gene: 'EGFR', variant, result: 'pathogenic' }],
      });
    for (const ok of [
      'p.L858R',
      'p.(Leu858Arg)',
      'c.2573T>G',
      'NM_005228.5:c.2573T>G',
      'NM_000546.6(TP53):c.524G>A',
      'g.55191822T>G',
    ]) {
      await expect(fieldErrors(body(ok))).resolves.toEqual([]);
    }
    for (const bad of ['L858R', '5382insC', 'x.123A>G', 'c.', 'p. L858R']) {
      await expect(fieldErrors(body(bad))).resolves.toEqual([
        {
          field: 'geneticTests[0].variant',
          messages: ['geneticTests[0].variant must be an HGVS variant such as c.5266dupC or p.V600E'],
        },
      ]);
    }
  });
});
