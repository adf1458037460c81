import { topographyMatches } from '../common/clinical-codes.js';
import { siteName, topographyName } from './clinical/codes.js';

/** Pure intake rules, worded for the clinician who sent the referral. */

/** "C34.1 (Upper lobe, lung)"; a bare site "C50 (Breast)"; a range "C18–C21 (Colon to Anus and anal canal)". */
export function describeSite(pattern: string): string {
  const [from, to] = pattern.split('-') as [string, string?];
  const name = (code: string): string | undefined => (code.includes('.') ? topographyName(code) : siteName(code));
  if (to === undefined) {
    const n = name(from);
    return n === undefined ? from : `${from} (${n})`;
  }
  const a = name(from);
  const b = name(to);
  return a === undefined || b === undefined ? `${from}–${to}` : `${from}–${to} (${a} to ${b})`;
}

/**
 * Null when the primary site is one of the clinic's cancer types, else why
 * not, e.g. "C34.1 (Upper lobe, lung) is not a cancer type of the Breast
 * clinic (C50 (Breast))".
 */
export function siteOutsideClinic(
  primarySite: string,
  clinic: { name: string; cancerTypes: readonly string[] },
): string | null {
  if (clinic.cancerTypes.some((p) => topographyMatches(p, primarySite))) return null;
  const name = /\bclinic\b|\bMDC\b/i.test(clinic.name) ? clinic.name : `${clinic.name} clinic`;
  const types = clinic.cancerTypes.map(describeSite).join(', ');
  return `${describeSite(primarySite)} is not a cancer type of the ${name} (it takes ${types})`;
}

/** A first treatment may be planned: at most this far ahead. */
export const FIRST_TREATMENT_MAX_AHEAD_DAYS = 366;

/** `date` plus `days`, YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Null when a first cancer-directed treatment date is plausible: not before
 * the patient was born, and (a planned treatment) at most a year ahead.
 */
export function firstTreatmentDateProblem(date: string, birthDate: string, today: string): string | null {
  if (date < birthDate) return `must not be before the patient's birth date (${birthDate})`;
  const latest = addDays(today, FIRST_TREATMENT_MAX_AHEAD_DAYS);
  if (date > latest) return `may be planned at most a year ahead (${latest} at the latest)`;
  return null;
}

/** The items a clinic judges readiness by: its required record types and its age-limited ones. */
export function readinessItemsOf(clinic: {
  requiredRecordTypes: readonly string[];
  readinessRules: readonly { recordType: string }[];
}): string[] {
  return [...new Set([...clinic.requiredRecordTypes, ...clinic.readinessRules.map((r) => r.recordType)])];
}
