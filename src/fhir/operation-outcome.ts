/**
 * FHIR R4 OperationOutcome: how the FHIR routes answer, errors included.
 * Pure functions; the exception carries its issues and its HTTP status.
 */
import { HttpException } from '@nestjs/common';
import type { FieldError, ProblemDetails } from '../common/problem.js';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** OperationOutcome.issue.code (FHIR issue-type value set), the ones Consilium uses. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'code-invalid'
  | 'not-supported'
  | 'duplicate'
  | 'conflict'
  | 'too-long'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'throttled'
  | 'transient'
  | 'exception'
  | 'informational';

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueType;
  details: { text: string };
  diagnostics?: string;
  /** FHIRPath of each element the issue is about. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OutcomeIssue[];
}

export function operationOutcome(issues: OutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** An error answered as an OperationOutcome with these issues. */
export class FhirOutcomeException extends HttpException {
  constructor(
    status: number,
    readonly issues: OutcomeIssue[],
  ) {
    super({ message: issues.map((i) => i.details.text).join('; ') }, status);
  }
}

/**
 * The FHIRPath a request-body field was read from: the entry of the longest
 * prefix of the field (whole segments only: `a.b[0].c`, `a.b[0]`, `a.b`,
 * `a`) in `paths`.
 */
export function fhirPathOf(paths: Readonly<Record<string, string>>, field: string): string | undefined {
  let candidate = field;
  for (;;) {
    if (Object.hasOwn(paths, candidate)) return paths[candidate];
    const cut = Math.max(candidate.lastIndexOf('.'), candidate.lastIndexOf('['));
    if (cut <= 0) return undefined;
    candidate = candidate.slice(0, cut);
  }
}

/** One issue per invalid field, at the element it came from (else the Bundle). */
export function fieldIssues(
  errors: readonly FieldError[],
  paths: Readonly<Record<string, string>>,
  code: IssueType,
  redact: (text: string) => string,
): OutcomeIssue[] {
  return errors.map((e) => ({
    severity: 'error',
    code,
    details: { text: redact(e.messages.join('; ')) },
    diagnostics: `request field ${e.field}`,
    expression: [fhirPathOf(paths, e.field) ?? 'Bundle'],
  }));
}

const WORD = /[\p{L}\p{N}]/u;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that blanks out the given identifying strings (names, MRNs,
 * birth dates, contact details) wherever they occur in a message, as whole
 * words; shorter than two characters they are left, as they would blank
 * ordinary words.
 */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const words = [...new Set([...secrets].map((s) => s.trim()).filter((s) => s.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  if (words.length === 0) return (text) => text;
  const pattern = new RegExp(
    words
      .map(
        (w) =>
          `${WORD.test(w[0]) ? '(?<![\\p{L}\\p{N}])' : ''}${escape(w)}${WORD.test(w.at(-1)!) ? '(?![\\p{L}\\p{N}])' : ''}`,
      )
      .join('|'),
    'giu',
  );
  return (text) => text.replace(pattern, '[redacted]');
}

/**
 * The identifying strings of the Patient resources in a Bundle (names,
 * identifiers, birth date, telecom, address lines), for `redactor`.
 */
export function patientSecrets(bundle: unknown): string[] {
  const out: string[] = [];
  const strings = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(strings);
  };
  const entries = isRecord(bundle) && Array.isArray(bundle.entry) ? bundle.entry : [];
  for (const entry of entries) {
    const r = isRecord(entry) ? entry.resource : undefined;
    if (!isRecord(r) || (r.resourceType !== 'Patient' && r.resourceType !== 'RelatedPerson')) continue;
    strings(r.birthDate);
    for (const n of asArray(r.name)) if (isRecord(n)) [n.family, n.given, n.text].forEach(strings);
    for (const i of asArray(r.identifier)) if (isRecord(i)) strings(i.value);
    for (const t of asArray(r.telecom)) if (isRecord(t)) strings(t.value);
    for (const a of asArray(r.address)) if (isRecord(a)) [a.line, a.text].forEach(strings);
  }
  return out;
}

/** The identifying strings of a request body's `patient`, for `redactor`. */
export function bodySecrets(body: Record<string, unknown>): string[] {
  const p = body.patient;
  if (!isRecord(p)) return [];
  return ['mrn', 'familyName', 'givenName', 'birthDate', 'phone', 'email']
    .map((k) => p[k])
    .filter((v): v is string => typeof v === 'string');
}

const STATUS_ISSUE: Record<number, IssueType> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  412: 'conflict',
  413: 'too-long',
  415: 'not-supported',
  422: 'invalid',
  429: 'throttled',
  503: 'transient',
};

/**
 * Any error of a FHIR route as an OperationOutcome: its own issues when it
 * carries them, else one issue from its problem details (whose detail never
 * holds request data; a field error of the raw body names the element by
 * its path in the Bundle). `text` replaces the detail.
 */
export function outcomeOfError(exception: unknown, problem: ProblemDetails, text?: string): OperationOutcome {
  if (exception instanceof FhirOutcomeException) return operationOutcome(exception.issues);
  const code = STATUS_ISSUE[problem.status] ?? (problem.status >= 500 ? 'exception' : 'invalid');
  if (problem.errors !== undefined && problem.errors.length > 0) {
    return operationOutcome(
      problem.errors.map((e) => ({
        severity: 'error',
        code: 'invalid',
        details: { text: e.messages.join('; ') },
        expression: [e.field === 'body' || e.field === '' ? 'Bundle' : `Bundle.${e.field}`],
      })),
    );
  }
  return operationOutcome([
    {
      severity: problem.status >= 500 ? 'fatal' : 'error',
      code,
      details: { text: text ?? problem.detail },
      ...(problem.requestId === undefined ? {} : { diagnostics: `request id ${problem.requestId}` }),
    },
  ]);
}

/**
 * What to say for an error Fastify raised before the route ran (reading the
 * body); its own message may quote the body, so it is never passed on.
 */
export function bodyErrorText(error: unknown, status: number): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (status === 413) return 'The Bundle is larger than this server takes';
  if (status === 415) return 'Send the Bundle as application/fhir+json (or application/json)';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The body is empty; send a FHIR Bundle';
  if (status === 400) return 'The body is not valid JSON (or holds a __proto__ or constructor key, which is refused)';
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
