/**
 * The rules of a patient history that span fields, or need the patient:
 * dates in order, menopausal and pregnancy status consistent with sex, and
 * genetic results that name what they found. Formats (codes, dates not in
 * the future, vocabularies) are checked at the API edge by the DTOs. Pure;
 * every refusal names the field and says what is expected.
 */
import type { Sex } from '../entities/patient.entity.js';
import { NO_VARIANT_RESULTS, type PatientHistory } from './history.types.js';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Statuses a male patient can have: the question does not apply, or was not answered. */
const NOT_STATED = ['not_applicable', 'unknown'] as const;

/**
 * The problems of one history for a patient of the given sex; empty when it
 * can be recorded. `prefix` is the document's path in the request
 * (`history` at intake, empty for PUT).
 */
export function checkHistory(history: PatientHistory, sex: Sex, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const at = (path: string): string => (prefix === '' ? path : `${prefix}.${path}`);
  const refuse = (path: string, message: string): void => {
    errors.push({ field: at(path), messages: [`${at(path)} ${message}`] });
  };

  history.treatments.forEach((t, i) => {
    if (t.startDate !== null && t.endDate !== null && t.endDate < t.startDate) {
      refuse(`treatments[${i}].endDate`, `must be on or after the start date (${t.startDate}), not ${t.endDate}`);
    }
  });

  if (sex === 'male') {
    const stated = (s: string | null): boolean => s !== null && !(NOT_STATED as readonly string[]).includes(s);
    if (stated(history.menopausalStatus)) {
      refuse('menopausalStatus', 'must be not_applicable or unknown for a male patient');
    }
    if (stated(history.pregnancyStatus)) {
      refuse('pregnancyStatus', 'must be not_applicable or unknown for a male patient');
    }
  }
  if (history.pregnancyWeeks !== null && history.pregnancyStatus !== 'pregnant') {
    refuse('pregnancyWeeks', 'is recorded only when pregnancyStatus is pregnant');
  }

  if (history.firstTreatmentDate !== null && history.firstTreatmentDate < '1900-01-01') {
    refuse('firstTreatmentDate', `must be a date from 1900 on, not ${history.firstTreatmentDate}`);
  }

  history.geneticTests.forEach((g, i) => {
    const noVariant = NO_VARIANT_RESULTS.includes(g.result);
    if (g.gene === null && !noVariant) {
      refuse(
        `geneticTests[${i}].gene`,
        `must name the gene of a ${g.result} result (only a negative or not_detected result may leave it out)`,
      );
    }
    if (g.variant !== null && noVariant) {
      refuse(`geneticTests[${i}].variant`, `must be left out when the result is ${g.result}: no variant was found`);
    }
  });
  return errors;
}
