import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import { caseBundle, type FhirInput } from './fhir-bundle.js';

/** A case's FHIR R4 Bundle (mCODE): the board's diagnosis (else the referral's), the signed plan, the review, the visit. */
@Injectable()
export class FhirService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
  ) {}

  async bundle(user: AuthenticatedUser, caseId: string): Promise<Record<string, unknown>> {
    const c = await this.access.load(user, caseId);
    const [patient] = await this.tx.query<{
      id: string;
      mrn: string;
      family_name: string;
      given_name: string;
      birth_date: string;
      sex: string;
    }>(`SELECT id, mrn, family_name, given_name, birth_date::text, sex FROM patient WHERE id = $1`, [c.patientId]);
    // The record that stands (the board's, else the referral's) and, merged, the board's facts with
    // what it does not restate from the reviews and the referral: one read.
    const { latest, standing } = await this.diagnoses.caseAssessments(c.id);
    const dx = latest.get('board') ?? latest.get('referring') ?? null;
    const merged = standing?.diagnosis ?? null;
    const [plan] = await this.tx.query<{
      id: string;
      signed_at: Date | null;
      summary: string | null;
      items: NonNullable<FhirInput['plan']>['items'];
    }>(
      `SELECT id, signed_at, summary, items FROM plan_version WHERE case_id = $1 AND status = 'signed' ORDER BY number DESC LIMIT 1`,
      [c.id],
    );
    const [review] = await this.tx.query<{ session_id: string; presented_at: Date | null }>(
      `SELECT session_id, presented_at FROM agenda_item WHERE case_id = $1 AND presented_at IS NOT NULL ORDER BY presented_at LIMIT 1`,
      [c.id],
    );
    const appointments = await this.tx.query<{
      id: string;
      discipline: string;
      display_name: string;
      patient_attends: boolean;
      starts_at: Date;
      ends_at: Date;
      status: string;
    }>(
      `SELECT a.id, a.discipline, u.display_name, a.patient_attends, a.starts_at, a.ends_at, a.status
         FROM appointment a JOIN specialist s ON s.id = a.specialist_id JOIN app_user u ON u.id = s.user_id
        WHERE a.case_id = $1 AND a.status = 'booked' ORDER BY a.starts_at`,
      [c.id],
    );
    return caseBundle({
      patient: {
        id: patient.id,
        mrn: patient.mrn,
        familyName: patient.family_name,
        givenName: patient.given_name,
        birthDate: patient.birth_date,
        sex: patient.sex,
      },
      diagnosis:
        dx === null
          ? null
          : {
              id: dx.id,
              source: dx.source,
              primarySite: merged?.primarySite ?? dx.primarySite,
              histology: merged?.histology ?? dx.histology,
              malignant: merged?.malignant ?? dx.malignant,
              clinicalStage: merged?.clinicalStage ?? dx.clinicalStage,
              pathologicalStage: merged?.pathologicalStage ?? dx.pathologicalStage,
              additionalCancers: [...(merged?.additionalCancers ?? dx.additionalCancers)],
              recordedAt: dx.recordedAt,
            },
      plan:
        plan === undefined ? null : { id: plan.id, signedAt: plan.signed_at, summary: plan.summary, items: plan.items },
      // The board review as a Procedure (one per case, identified by the case): when the case was
      // presented, else when the board recorded its diagnosis; none before either.
      review:
        review !== undefined
          ? { id: c.id, performedAt: review.presented_at }
          : dx?.source === 'board'
            ? { id: c.id, performedAt: dx.recordedAt }
            : null,
      appointments: appointments.map((a) => ({
        id: a.id,
        discipline: a.discipline,
        specialist: a.display_name,
        patientAttends: a.patient_attends,
        start: a.starts_at,
        end: a.ends_at,
        status: a.status,
      })),
    });
  }
}
