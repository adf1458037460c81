/**
 * What a referral Bundle (FHIR R4, mCODE) is read into before anything is
 * written: the REST intake's request body, the files to store as records,
 * and where each field came from so that a refusal names the element by its
 * FHIRPath. Pure types.
 */
import type { RecordType } from '../common/clinical-codes.js';

/** One problem with one element of the Bundle, as an OperationOutcome issue says it. */
export interface BundleIssue {
  /** FHIRPath of the element, e.g. `Bundle.entry[2].resource.bodySite[0].coding[0].code`. */
  expression: string;
  /** Clinician's words: what is wrong and what is expected. */
  message: string;
  /** OperationOutcome issue type: `required`, `value`, `code-invalid`, `structure`, `invalid`, `not-supported`. */
  code: 'required' | 'value' | 'code-invalid' | 'structure' | 'invalid' | 'not-supported';
}

/** A file attached to a DocumentReference, decoded. */
export interface ReferralAttachment {
  /** FHIRPath of the DocumentReference.content[i].attachment. */
  expression: string;
  type: RecordType;
  contentType: string;
  data: Buffer;
  title: string | null;
  /** YYYY-MM-DD, from DocumentReference.date or attachment.creation. */
  documentDate: string | null;
  /** The author organisation or the referring institution. */
  source: string | null;
}

export interface ParsedReferral {
  /** ServiceRequest.identifier: the key that makes the import idempotent. */
  identifier: { system: string; value: string };
  /** A plain object in the shape of CreateCaseDto (POST /api/cases), still to be validated. */
  body: Record<string, unknown>;
  /**
   * Request-body field path (as RequestValidationException names it, e.g.
   * `referringDiagnosis.primarySite`, `history.medications[0].name`) → FHIRPath
   * of the element it was read from. Look up the longest prefix of a field.
   */
  paths: Record<string, string>;
  attachments: ReferralAttachment[];
}

export type ParseResult = { ok: true; referral: ParsedReferral } | { ok: false; issues: BundleIssue[] };
