import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import fc from 'fast-check';
import { RequestValidationException, toProblem } from '../common/problem.js';
import {
  bodyErrorText,
  bodySecrets,
  FhirOutcomeException,
  fhirPathOf,
  fieldIssues,
  outcomeOfError,
  patientSecrets,
  redactor,
} from './operation-outcome.js';

describe(fhirPathOf.name, () => {
  const paths = {
    patient: 'Bundle.entry[0].resource',
    'patient.mrn': 'Bundle.entry[0].resource.identifier[1].value',
    referringDiagnosis: 'Bundle.entry[5].resource',
    'referringDiagnosis.primarySite': 'Bundle.entry[5].resource.code.coding',
    'history.medications[0]': 'Bundle.entry[12].resource',
    'referringDiagnosis.biomarkers[1]': 'Bundle.entry[9].resource',
  };

  it('should take the exact field, else the longest prefix of whole segments', () => {
    expect(fhirPathOf(paths, 'patient.mrn')).toBe('Bundle.entry[0].resource.identifier[1].value');
    expect(fhirPathOf(paths, 'patient.birthDate')).toBe('Bundle.entry[0].resource');
    expect(fhirPathOf(paths, 'referringDiagnosis.primarySite')).toBe('Bundle.entry[5].resource.code.coding');
    expect(fhirPathOf(paths, 'history.medications[0].name')).toBe('Bundle.entry[12].resource');
    expect(fhirPathOf(paths, 'referringDiagnosis.biomarkers[1].name')).toBe('Bundle.entry[9].resource');
  });

  it('should not take a prefix that ends inside a segment', () => {
    expect(fhirPathOf(paths, 'referringDiagnosis.primarySiteX')).toBe('Bundle.entry[5].resource');
    expect(fhirPathOf(paths, 'patients')).toBeUndefined();
    expect(fhirPathOf(paths, 'history.medications[01].name')).toBeUndefined();
    expect(fhirPathOf(paths, 'referringDiagnosis.biomarkers[10].name')).toBe('Bundle.entry[5].resource');
  });

  it('should not read inherited keys as paths', () => {
    expect(fhirPathOf({}, 'constructor')).toBeUndefined();
    expect(fhirPathOf({}, '__proto__.x')).toBeUndefined();
  });

  it('should always answer a mapped path or nothing, for any field', () => {
    fc.assert(
      fc.property(fc.string(), (field) => {
        const found = fhirPathOf(paths, field);
        expect(found === undefined || Object.values(paths).includes(found)).toBe(true);
      }),
    );
  });
});

describe(redactor.name, () => {
  it('should blank names, MRNs and birth dates as whole words, in any case', () => {
    const redact = redactor(['Lindqvist', 'Maren', '20583117', '1971-06-03']);
    expect(redact('patient.mrn 20583117 is taken by LINDQVIST, maren (born 1971-06-03)')).toBe(
      'patient.mrn [redacted] is taken by [redacted], [redacted] (born [redacted])',
    );
    expect(redact('Marenstrasse 1205831170')).toBe('Marenstrasse 1205831170');
  });

  it('should leave one-letter names alone and cope with characters regular expressions treat specially', () => {
    const redact = redactor(['M', 'O’Brien (Jr.)', '+1 608 555']);
    expect(redact('M is a letter; O’Brien (Jr.) called +1 608 555')).toBe(
      'M is a letter; [redacted] called [redacted]',
    );
  });

  it('should never leave a secret of two or more word characters in any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{1,12}$/), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(' ', ', ', ': ', '(', ')', '.')),
        (secrets, separators) => {
          const text = secrets.map((s, i) => `${s}${separators[i] ?? ' '}`).join('');
          const out = redactor(secrets)(text);
          for (const s of secrets) expect(out.toLowerCase().split(/[^a-z0-9-]+/)).not.toContain(s.toLowerCase());
        },
      ),
    );
  });
});

describe(patientSecrets.name, () => {
  it("should collect the Patient's names, identifiers, birth date, telecom and address lines", () => {
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            identifier: [{ value: 'E1' }, { value: 'MRN-2' }],
            name: [{ family: 'Doe', given: ['Jane', 'Q'], text: 'Jane Q Doe' }],
            birthDate: '1970-01-01',
            telecom: [{ value: '555-0100' }],
            address: [{ line: ['1 Main St'] }],
          },
        },
        { resource: { resourceType: 'Practitioner', name: [{ family: 'Okafor' }] } },
        null,
        'junk',
      ],
    };
    expect(patientSecrets(bundle).sort()).toEqual(
      ['1 Main St', '1970-01-01', '555-0100', 'Doe', 'E1', 'Jane', 'Jane Q Doe', 'MRN-2', 'Q'].sort(),
    );
    expect(patientSecrets(42)).toEqual([]);
    expect(bodySecrets({ patient: { mrn: 'A1', familyName: 'Doe', sex: 'female' } })).toEqual(['A1', 'Doe']);
  });
});

describe(fieldIssues.name, () => {
  it('should say one issue per field at its FHIRPath, falling back to the Bundle', () => {
    const issues = fieldIssues(
      [
        { field: 'patient.mrn', messages: ['mrn must be 3–32 letters, digits or dashes'] },
        { field: 'clinicId', messages: ['a', 'b'] },
      ],
      { 'patient.mrn': 'Bundle.entry[0].resource.identifier[1].value' },
      'invalid',
      (t) => t,
    );
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        details: { text: 'mrn must be 3–32 letters, digits or dashes' },
        diagnostics: 'request field patient.mrn',
        expression: ['Bundle.entry[0].resource.identifier[1].value'],
      },
      {
        severity: 'error',
        code: 'invalid',
        details: { text: 'a; b' },
        diagnostics: 'request field clinicId',
        expression: ['Bundle'],
      },
    ]);
  });
});

describe(outcomeOfError.name, () => {
  const outcome = (e: unknown) => outcomeOfError(e, toProblem(e, 'req-1'));

  it('should pass its own issues through', () => {
    const issue = {
      severity: 'error' as const,
      code: 'value' as const,
      details: { text: 'x' },
      expression: ['Bundle'],
    };
    expect(outcome(new FhirOutcomeException(400, [issue]))).toEqual({
      resourceType: 'OperationOutcome',
      issue: [issue],
    });
  });

  it('should say refusals of the guards and pipes with the issue type of their status', () => {
    expect(outcome(new UnauthorizedException()).issue[0]).toMatchObject({ severity: 'error', code: 'login' });
    expect(outcome(new ForbiddenException('Coordinators only')).issue[0]).toMatchObject({
      code: 'forbidden',
      details: { text: 'Coordinators only' },
    });
    expect(outcome(new BadRequestException('nope')).issue[0]).toMatchObject({ code: 'invalid' });
  });

  it('should name a field of the raw body by its path in the Bundle', () => {
    const e = RequestValidationException.field('entry[2].resource.note[0].text', 'must be text without NUL');
    expect(outcome(e).issue).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        details: { text: 'must be text without NUL' },
        expression: ['Bundle.entry[2].resource.note[0].text'],
      },
    ]);
    expect(outcome(RequestValidationException.field('body', 'x')).issue[0].expression).toEqual(['Bundle']);
  });

  it('should answer an unknown error as a fatal exception quoting only the request id', () => {
    const out = outcome(new Error('secret SQL detail'));
    expect(out.issue).toEqual([
      {
        severity: 'fatal',
        code: 'exception',
        details: { text: expect.stringContaining('req-1') as unknown as string },
        diagnostics: 'request id req-1',
      },
    ]);
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it("should never quote a body parser's message", () => {
    const syntax = Object.assign(new SyntaxError('Unexpected token in JSON: "{"name": "Jane Doe"'), {
      statusCode: 400,
    });
    const out = outcomeOfError(syntax, toProblem(syntax), bodyErrorText(syntax, 400));
    expect(out.issue[0]).toMatchObject({
      code: 'invalid',
      details: { text: expect.stringContaining('not valid JSON') },
    });
    expect(JSON.stringify(out)).not.toContain('Jane');
    const big = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(outcomeOfError(big, toProblem(big), bodyErrorText(big, 413)).issue[0]).toMatchObject({ code: 'too-long' });
  });
});
