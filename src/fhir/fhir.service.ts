import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseReportService } from '../case-report/case-report.service.js';
import { reportPdf } from '../case-report/case-report.pdf.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import type { PlanItem } from '../cases/clinical/management.js';
import { HistoryService } from '../cases/history/history.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { asDiagnosis, DiagnosesService } from '../diagnoses/diagnoses.service.js';
import type { DiagnosisAssessmentEntity } from '../diagnoses/entities/diagnosis-assessment.entity.js';
import { caseBundle, type FhirAssessment } from './fhir-bundle.js';

const assessment = (a: DiagnosisAssessmentEntity | undefined): FhirAssessment | null =>
  a === undefined ? null : { id: a.id, recordedAt: a.recordedAt, diagnosis: asDiagnosis(a), icd10cm: a.icd10cm };

/**
 * A case's FHIR R4 Bundle (mCODE 4.0.0): the standing diagnosis with its
 * stages, grade, markers and ECOG, the referral's diagnosis told apart, the
 * history, the referral, the recommendation and the signed plan, the review,
 * the visit and the letter as a PDF.
 */
@Injectable()
export class FhirService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly history: HistoryService,
    private readonly reports: CaseReportService,
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
      clinic: string;
    }>(
      `SELECT p.id, p.mrn, p.family_name, p.given_name, p.birth_date::text, p.sex, cl.name AS clinic
         FROM patient p JOIN clinic cl ON cl.id = $2 WHERE p.id = $1`,
      [c.patientId, c.clinicId],
    );
    const { latest, standing } = await this.diagnoses.caseAssessments(c.id);
    const board = latest.get('board');
    const [chair] =
      board?.authorId == null
        ? []
        : await this.tx.query<{ display_name: string }>(`SELECT display_name FROM app_user WHERE id = $1`, [
            board.authorId,
          ]);
    const [plan] = await this.tx.query<{
      id: string;
      signed_at: Date | null;
      summary: string | null;
      items: PlanItem[];
    }>(
      `SELECT id, signed_at, summary, items FROM plan_version WHERE case_id = $1 AND status = 'signed' ORDER BY number DESC LIMIT 1`,
      [c.id],
    );
    const [review] = await this.tx.query<{ presented_at: Date | null }>(
      `SELECT presented_at FROM agenda_item WHERE case_id = $1 AND presented_at IS NOT NULL ORDER BY presented_at LIMIT 1`,
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
    const history = await this.history.currentDocument(c.id);
    // The letter goes with the record once the board has a plan or a diagnosis to tell.
    const letter =
      plan !== undefined || board !== undefined
        ? await (async () => {
            const report = await this.reports.report(user, c.id);
            return {
              pdf: await reportPdf(report),
              createdAt: new Date(report.generatedAt),
              title: 'Second-opinion letter',
            };
          })()
        : null;
    return caseBundle({
      case: {
        id: c.id,
        createdAt: c.createdAt,
        urgency: c.urgency,
        referringClinician: c.referringClinician,
        referringInstitution: c.referringInstitution,
        recommendation: c.referringRecommendation,
      },
      clinic: { id: c.clinicId, name: patient.clinic },
      patient: {
        id: patient.id,
        mrn: patient.mrn,
        familyName: patient.family_name,
        givenName: patient.given_name,
        birthDate: patient.birth_date,
        sex: patient.sex,
      },
      referral: assessment(latest.get('referring')),
      board:
        board === undefined
          ? null
          : {
              ...assessment(board)!,
              diagnosis: standing?.diagnosis ?? asDiagnosis(board),
              chair: chair?.display_name ?? null,
            },
      standingWithoutBoard: board === undefined ? (standing?.diagnosis ?? null) : null,
      history: history?.document ?? null,
      plan:
        plan === undefined ? null : { id: plan.id, signedAt: plan.signed_at, summary: plan.summary, items: plan.items },
      // The board review as a Procedure: when the case was presented, else when the board recorded its diagnosis.
      review:
        review !== undefined
          ? { performedAt: review.presented_at }
          : board !== undefined
            ? { performedAt: board.recordedAt }
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
      letter,
    });
  }
}
