import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import type { DiagnosisAssessmentEntity } from '../diagnoses/entities/diagnosis-assessment.entity.js';
import { TrialsService } from '../trials/trials.service.js';
import type { CaseReport, ReportDiagnosis } from './case-report.js';

function asReport(a: DiagnosisAssessmentEntity | null): ReportDiagnosis | null {
  if (a === null) return null;
  const stage = a.pathologicalStage ?? a.clinicalStage;
  return {
    primarySite: a.primarySite,
    histology: a.histology,
    laterality: a.laterality,
    grade: a.grade,
    stage:
      stage === null
        ? null
        : [stage.t, stage.n, stage.m].filter(Boolean).join(' ') +
          (stage.stageGroup == null ? '' : ` (group ${stage.stageGroup})`),
    biomarkers: a.biomarkers.map((b) => ({ name: b.name, value: b.value ?? '' })),
    additionalCancers: a.additionalCancers
      .filter((c) => c.status !== 'ruled_out')
      .map((c) => ({ primarySite: c.primarySite, histology: c.histology ?? undefined, description: c.description ?? undefined })),
    malignant: a.malignant,
  };
}

/** Gathers what the second-opinion letter and the patient's summary say. */
@Injectable()
export class CaseReportService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly trials: TrialsService,
  ) {}

  async report(user: AuthenticatedUser, caseId: string): Promise<CaseReport> {
    const c = await this.access.load(user, caseId);
    const [who] = await this.tx.query<{ family_name: string; given_name: string; clinic: string }>(
      `SELECT p.family_name, p.given_name, cl.name AS clinic FROM patient p, clinic cl WHERE p.id = $1 AND cl.id = $2`,
      [c.patientId, c.clinicId],
    );
    const [change] = await this.tx.query<{ concordance: string; change_types: string[]; management_impact: string }>(
      'SELECT concordance, change_types, management_impact FROM diagnosis_change WHERE case_id = $1 AND is_current',
      [c.id],
    );
    const [plan] = await this.tx.query<{
      id: string;
      items: NonNullable<CaseReport['plan']>['items'];
      summary: string | null;
      signed_at: Date;
    }>(
      `SELECT id, items, summary, signed_at FROM plan_version WHERE case_id = $1 AND status = 'signed' ORDER BY number DESC LIMIT 1`,
      [c.id],
    );
    const dissent =
      plan === undefined
        ? []
        : await this.tx.query<{ discipline: string; vote: string; comment: string | null }>(
            `SELECT discipline, vote, comment FROM plan_vote
              WHERE plan_version_id = $1 AND vote IN ('disagree', 'agree_with_reservations') ORDER BY cast_at`,
            [plan.id],
          );
    const matches = await this.trials.matches(user, c.id);
    return {
      patientName: `${who.given_name} ${who.family_name}`,
      referringClinician: c.referringClinician,
      referringInstitution: c.referringInstitution,
      clinicName: who.clinic,
      date: new Date().toISOString().slice(0, 10),
      referring: asReport(await this.diagnoses.current(c.id, 'referring')),
      board: asReport(await this.diagnoses.current(c.id, 'board')),
      change:
        change === undefined
          ? null
          : {
              concordance: change.concordance,
              changeTypes: change.change_types,
              managementImpact: change.management_impact,
            },
      plan:
        plan === undefined
          ? null
          : { items: plan.items, summary: plan.summary, signedAt: plan.signed_at.toISOString().slice(0, 10) },
      referringRecommendation: c.referringRecommendation,
      dissent,
      trials: matches.map((m) => ({ nctId: m.nctId, title: m.title, phase: m.phase, eligible: m.match.eligible })),
    };
  }
}
