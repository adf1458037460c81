import { ConflictException, HttpStatus, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { CasesService } from '../cases/cases.service.js';
import { CreateCaseDto } from '../cases/dto/intake.dto.js';
import { RecordsService } from '../cases/records.service.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { RequestValidationException } from '../common/problem.js';
import { createValidationPipe } from '../common/validation.js';
import { TransactionContext } from '../database/transaction-context.js';
import { checkDiagnosis } from '../diagnoses/diagnoses.service.js';
import {
  bodySecrets,
  FhirOutcomeException,
  fhirPathOf,
  fieldIssues,
  operationOutcome,
  patientSecrets,
  redactor,
  type OperationOutcome,
  type OutcomeIssue,
} from './operation-outcome.js';
import { parseReferralBundle } from './referral-bundle.js';
import type { ParsedReferral } from './referral-bundle.types.js';

export interface ReferralImportResult {
  caseId: string;
  /** False when the referral had been imported before (the same ServiceRequest.identifier). */
  created: boolean;
  outcome: OperationOutcome;
}

/** The global ValidationPipe, as POST /api/cases runs it on its body. */
const intakePipe = createValidationPipe();

/**
 * Takes in a referral sent as a FHIR R4 Bundle (mCODE): the case, its
 * referring diagnosis, history and records, through the REST intake's
 * validation and rules, all in one transaction. Every refusal is an
 * OperationOutcome naming each bad element by its FHIRPath, and writes
 * nothing. Idempotent on the ServiceRequest identifier.
 */
@Injectable()
export class FhirReferralImportService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly cases: CasesService,
    private readonly records: RecordsService,
  ) {}

  async import(user: AuthenticatedUser, bundle: unknown): Promise<ReferralImportResult> {
    const shape = shapeProblem(bundle);
    if (shape !== undefined) throw invalid([shape]);
    const redactBundle = redactor(patientSecrets(bundle));
    const parsed = parseReferralBundle(bundle);
    if (!parsed.ok) {
      throw invalid(
        parsed.issues.map((i) => ({
          severity: 'error',
          code: i.code,
          details: { text: redactBundle(i.message) },
          expression: [i.expression],
        })),
      );
    }
    const referral = parsed.referral;
    const redact = redactor([...patientSecrets(bundle), ...bodySecrets(referral.body)]);
    return this.tx.run(async (manager) => {
      // One import of an identifier at a time: a second one waits here until the first commits,
      // then finds its case. The primary key of fhir_referral holds the rule regardless.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        JSON.stringify(['fhir_referral', referral.identifier.system, referral.identifier.value]),
      ]);
      const [existing] = await this.tx.query<{ case_id: string }>(
        `SELECT case_id FROM fhir_referral WHERE identifier_system = $1 AND identifier_value = $2`,
        [referral.identifier.system, referral.identifier.value],
      );
      if (existing !== undefined) return this.replay(user, existing.case_id, bundle, referral);
      return this.create(user, referral, redact);
    });
  }

  /** The referral was imported before: its case, if the caller may see it; nothing is written. */
  private async replay(
    user: AuthenticatedUser,
    caseId: string,
    bundle: unknown,
    referral: ParsedReferral,
  ): Promise<ReferralImportResult> {
    try {
      await this.access.load(user, caseId);
    } catch (error) {
      if (!(error instanceof HiddenResourceException)) throw error;
      throw new FhirOutcomeException(HttpStatus.CONFLICT, [
        {
          severity: 'error',
          code: 'duplicate',
          details: {
            text: 'A referral with this ServiceRequest.identifier was imported into a clinic you are not a member of; ask its coordinators, or send the referral with a new identifier',
          },
          expression: [identifierPath(bundle, referral.identifier)],
        },
      ]);
    }
    AuditScope.describe({ statusCode: HttpStatus.OK });
    return { caseId, created: false, outcome: importedOutcome(caseId, false) };
  }

  private async create(
    user: AuthenticatedUser,
    referral: ParsedReferral,
    redact: (text: string) => string,
  ): Promise<ReferralImportResult> {
    const { body, paths, attachments } = referral;
    const issues: OutcomeIssue[] = [];
    let status: number = HttpStatus.BAD_REQUEST;

    let dto: CreateCaseDto | undefined;
    try {
      dto = (await intakePipe.transform(body, { type: 'body', metatype: CreateCaseDto })) as CreateCaseDto;
    } catch (error) {
      if (!(error instanceof RequestValidationException)) throw error;
      issues.push(...fieldIssues(error.fieldErrors, paths, 'invalid', redact));
      // A well-formed diagnosis is still checked against the clinical rules, so that one answer names
      // every bad element (the intake checks it first too, before anything is written).
      if (!error.fieldErrors.some((e) => /^referringDiagnosis($|[.[])/.test(e.field))) {
        issues.push(...diagnosisIssues(body, paths, redact));
      }
    }

    // Each document is checked as an upload is (size, type from the bytes) before anything is written.
    const checks = await Promise.all(attachments.map((a) => this.records.checkFile(a.data)));
    checks.forEach((check, i) => {
      if (check.ok) return;
      issues.push({
        severity: 'error',
        code: check.problem === 'too_large' ? 'too-long' : check.problem === 'empty' ? 'required' : 'value',
        details: { text: `The attached document: ${check.message}` },
        expression: [attachments[i].expression],
      });
    });

    let caseId: string | undefined;
    let patientId: string | undefined;
    if (dto !== undefined) {
      try {
        const created = await this.cases.create(user, dto);
        caseId = created.id;
        patientId = created.patient.id;
      } catch (error) {
        if (error instanceof RequestValidationException) {
          issues.push(...fieldIssues(error.fieldErrors, paths, 'value', redact));
        } else if (error instanceof ConflictException && conflictField(error) !== undefined) {
          // The MRN names another person: the referral mixes up patients.
          status = HttpStatus.CONFLICT;
          issues.push({
            severity: 'error',
            code: 'conflict',
            details: { text: redact(error.message) },
            expression: [fhirPathOf(paths, conflictField(error)!) ?? 'Bundle'],
          });
        } else {
          throw error;
        }
      }
    }
    // Anything refused: the transaction rolls back (case, diagnosis, history, events, files).
    if (issues.length > 0 || caseId === undefined || patientId === undefined) {
      throw new FhirOutcomeException(status, issues);
    }

    for (const a of attachments) {
      await this.records.storeFile(
        caseId,
        { data: a.data, type: a.type, documentDate: a.documentDate, source: a.source, title: a.title },
        user.id,
      );
    }
    const [claimed] = await this.tx.query<{ case_id: string }>(
      `INSERT INTO fhir_referral (identifier_system, identifier_value, case_id, created_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (identifier_system, identifier_value) DO NOTHING
       RETURNING case_id`,
      [referral.identifier.system, referral.identifier.value, caseId, user.id],
    );
    if (claimed === undefined) {
      // Only a writer that skipped the lock above gets here; nothing of this import is kept.
      throw new ConflictException('This referral was imported at the same moment; send it again to get its case');
    }
    AuditScope.describe({ entityId: caseId, caseId, patientId });
    return { caseId, created: true, outcome: importedOutcome(caseId, true) };
  }
}

/** The clinical checks of the referring diagnosis (codes, notation, consistency), as issues. */
function diagnosisIssues(
  body: Record<string, unknown>,
  paths: Readonly<Record<string, string>>,
  redact: (text: string) => string,
): OutcomeIssue[] {
  const diagnosis = plainToInstance(CreateCaseDto, body, { enableImplicitConversion: false }).referringDiagnosis as
    CreateCaseDto['referringDiagnosis'] | undefined;
  if (diagnosis === undefined) return [];
  try {
    checkDiagnosis(diagnosis, 'referringDiagnosis');
    return [];
  } catch (error) {
    if (!(error instanceof RequestValidationException)) throw error;
    return fieldIssues(error.fieldErrors, paths, 'value', redact);
  }
}

function invalid(issues: OutcomeIssue[]): FhirOutcomeException {
  return new FhirOutcomeException(HttpStatus.BAD_REQUEST, issues);
}

/** The answer to an import: the case it is, as an informational OperationOutcome. */
export function importedOutcome(caseId: string, created: boolean): OperationOutcome {
  return operationOutcome([
    {
      severity: 'information',
      code: 'informational',
      details: {
        text: created
          ? `Referral imported as case ${caseId}`
          : `Referral already imported as case ${caseId}; nothing was changed`,
      },
      diagnostics: caseId,
    },
  ]);
}

/** A body that is not a Bundle at all, said before the Bundle is read. */
function shapeProblem(bundle: unknown): OutcomeIssue | undefined {
  const what =
    bundle === undefined
      ? 'no body'
      : bundle === null
        ? 'null'
        : Array.isArray(bundle)
          ? 'an array'
          : typeof bundle !== 'object'
            ? `a JSON ${typeof bundle}`
            : (bundle as { resourceType?: unknown }).resourceType === 'Bundle'
              ? undefined
              : typeof (bundle as { resourceType?: unknown }).resourceType === 'string'
                ? `a ${String((bundle as { resourceType: string }).resourceType).slice(0, 40)} resource`
                : 'an object without resourceType';
  if (what === undefined) return undefined;
  return {
    severity: 'error',
    code: 'structure',
    details: { text: `The body must be a FHIR Bundle (resourceType "Bundle") holding the referral; this is ${what}` },
    expression: [
      typeof bundle === 'object' && bundle !== null && !Array.isArray(bundle) ? 'Bundle.resourceType' : 'Bundle',
    ],
  };
}

/** The FHIRPath of the ServiceRequest.identifier a referral is known by. */
function identifierPath(bundle: unknown, id: { system: string; value: string }): string {
  const entries = (bundle as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return 'Bundle';
  for (const [i, entry] of entries.entries()) {
    const r = (entry as { resource?: { resourceType?: unknown; identifier?: unknown } } | null)?.resource;
    if (r?.resourceType !== 'ServiceRequest' || !Array.isArray(r.identifier)) continue;
    const j = r.identifier.findIndex(
      (x: { system?: unknown; value?: unknown } | null) => x?.system === id.system && x?.value === id.value,
    );
    if (j >= 0) return `Bundle.entry[${i}].resource.identifier[${j}]`;
  }
  return 'Bundle';
}

function conflictField(error: ConflictException): string | undefined {
  const response = error.getResponse();
  const field = typeof response === 'object' && response !== null ? (response as { field?: unknown }).field : undefined;
  return typeof field === 'string' ? field : undefined;
}
