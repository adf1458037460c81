import { GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { CaseEntity } from '../cases/entities/case.entity.js';
import { LetterLinksService } from '../plans/letter-links.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesService } from '../diagnoses/diagnoses.service.js';
import { TrialsService } from '../trials/trials.service.js';
import {
  patientDisplayName,
  trialEligibility,
  type CaseReport,
  type ReportConcordance,
  type ReportDiagnosis,
  type ReportImpact,
  type ReportItem,
  type ReportPlanStatus,
} from './case-report.js';

interface StageLike {
  t?: string | null;
  n?: string | null;
  m?: string | null;
  stageGroup?: string | null;
  groupType?: string | null;
}

interface BiomarkerLike {
  name: string;
  value?: string | null;
  method?: string | null;
  percent?: number | null;
  ihcScore?: string | null;
  ishRatio?: number | null;
  copyNumber?: number | null;
  ishResult?: string | null;
  variant?: string | null;
  tps?: number | null;
  cps?: number | null;
  origin?: string | null;
  result?: string | null;
}

/** What the letter reads of an assessment (an entity, or the merged diagnosis that stands). */
interface AssessmentLike {
  primarySite: string | null;
  histology: string | null;
  laterality: string | null;
  grade: string | null;
  gleason?: { primary: number; secondary: number; tertiary?: number | null } | null;
  clinicalStage: StageLike | null;
  pathologicalStage: StageLike | null;
  postTherapyClinicalStage?: StageLike | null;
  postTherapyPathologicalStage?: StageLike | null;
  recurrenceStage?: StageLike | null;
  otherStages?: readonly { system: string; stage: string }[] | null;
  resectability?: string | null;
  tumourSizeMm?: number | null;
  depthMm?: number | null;
  ajccEdition?: number | null;
  biomarkers: readonly BiomarkerLike[];
  additionalCancers: readonly {
    primarySite: string;
    histology?: string | null;
    description?: string | null;
    status?: string | null;
  }[];
  malignant: boolean;
}

const words = (s: string): string => s.replace(/_/g, ' ');
const SYSTEMS: Record<string, string> = {
  lugano: 'Lugano',
  figo: 'FIGO',
  riss: 'R-ISS',
  bclc: 'BCLC',
  ann_arbor: 'Ann Arbor',
};

function stageLine(label: string, s: StageLike | null | undefined): string | null {
  if (s == null) return null;
  const tnm = [s.t, s.n, s.m].filter((x): x is string => x != null && x !== '').join(' ');
  const group =
    s.stageGroup == null || s.stageGroup === ''
      ? ''
      : `${tnm === '' ? '' : ', '}stage group ${s.stageGroup}${s.groupType == null ? '' : ` (${s.groupType})`}`;
  return tnm === '' && group === '' ? null : `${label}: ${tnm}${group}`;
}

function stages(a: AssessmentLike): string[] {
  const tnm = [
    stageLine('Clinical', a.clinicalStage),
    stageLine('Pathological', a.pathologicalStage),
    stageLine('Post-therapy clinical', a.postTherapyClinicalStage),
    stageLine('Post-therapy pathological', a.postTherapyPathologicalStage),
    stageLine('Recurrence', a.recurrenceStage),
  ].filter((x): x is string => x !== null);
  const out = [...tnm];
  if (tnm.length > 0 && a.ajccEdition != null) out.push(`AJCC ${a.ajccEdition}th edition`);
  for (const o of a.otherStages ?? []) out.push(`${SYSTEMS[o.system] ?? words(o.system)}: ${o.stage}`);
  if (a.resectability != null) out.push(`Resectability: ${words(a.resectability)}`);
  if (a.tumourSizeMm != null) out.push(`Tumour size ${a.tumourSizeMm} mm`);
  if (a.depthMm != null) out.push(`Depth (Breslow / invasion) ${a.depthMm} mm`);
  return out;
}

function biomarkerValue(b: BiomarkerLike): string {
  if (b.value != null && b.value !== '') return b.value;
  const parts: string[] = [];
  if (b.ihcScore != null) parts.push(`IHC ${b.ihcScore}`);
  if (b.percent != null) parts.push(`${b.percent}%`);
  if (b.ishResult != null) parts.push(`ISH ${words(b.ishResult)}`);
  if (b.ishRatio != null) parts.push(`ratio ${b.ishRatio}`);
  if (b.copyNumber != null) parts.push(`${b.copyNumber} copies`);
  if (b.variant != null) parts.push(b.variant);
  if (b.tps != null) parts.push(`TPS ${b.tps}%`);
  if (b.cps != null) parts.push(`CPS ${b.cps}`);
  if (b.result != null) parts.push(words(b.result));
  if (b.origin === 'germline') parts.push('germline');
  return parts.length === 0 ? 'result not given' : parts.join(', ');
}

function asReport(a: AssessmentLike | null | undefined): ReportDiagnosis | null {
  if (a == null) return null;
  const g = a.gleason;
  const gleason = g == null ? null : `Gleason ${g.primary}+${g.secondary}=${g.primary + g.secondary}`;
  return {
    primarySite: a.primarySite,
    histology: a.histology,
    laterality: a.laterality,
    grade: a.grade === null ? gleason : gleason === null ? a.grade : `${a.grade} (${gleason})`,
    stages: stages(a),
    biomarkers: a.biomarkers.map((b) => ({ name: b.name, value: biomarkerValue(b) })),
    additionalCancers: a.additionalCancers.map((c) => ({
      primarySite: c.primarySite,
      histology: c.histology ?? null,
      description:
        c.status === 'ruled_out'
          ? `${c.description ?? [c.primarySite, c.histology].filter(Boolean).join(' ')} — ruled out by the board`
          : (c.description ?? null),
    })),
    malignant: a.malignant,
  };
}

/** A jsonb list of sentences: plain strings, or objects carrying their sentence as `text`. */
function sentences(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x: unknown): string[] => {
    if (typeof x === 'string') return [x];
    if (typeof x === 'object' && x !== null && 'text' in x && typeof x.text === 'string') return [x.text];
    return [];
  });
}

const IMPACTS: readonly ReportImpact[] = ['none', 'potential', 'changed'];
const CONCORDANCES: readonly ReportConcordance[] = ['concordant', 'minor', 'major'];

/** A value the table's CHECK constraint allows (anything else is a broken row, not a letter). */
function oneOf<T extends string>(allowed: readonly T[], v: string, column: string): T {
  const found = allowed.find((x) => x === v);
  if (found === undefined) throw new Error(`diagnosis_change.${column} holds ${v}`);
  return found;
}

/** Gathers what the second-opinion letter and the patient's summary say. */
@Injectable()
export class CaseReportService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly diagnoses: DiagnosesService,
    private readonly trials: TrialsService,
    private readonly letters: LetterLinksService,
    private readonly audit: AuditService,
  ) {}

  async report(user: AuthenticatedUser, caseId: string): Promise<CaseReport> {
    return this.build(await this.access.load(user, caseId));
  }

  /**
   * The letter for the referring doctor's mailed link: the link is the
   * authority (time-limited, replaced when a newer plan is signed), and each
   * download is audited against the case, as is every refused link.
   */
  async reportByLetterLink(token: string, meta: { requestId: string; ip: string }): Promise<CaseReport> {
    const outcome = await this.tx.run(async (manager) => {
      const link = await this.letters.redeem(token);
      if (!link.ok) return link;
      const c = await manager.findOneByOrFail(CaseEntity, { id: link.caseId });
      await this.audit.record(
        {
          action: 'letter.download',
          entityType: 'case',
          entityId: c.id,
          caseId: c.id,
          patientId: c.patientId,
          outcome: 'success',
          statusCode: 200,
          reason: 'referring_doctor_link',
          requestId: meta.requestId,
          ip: meta.ip,
        },
        manager,
      );
      return { ok: true as const, report: await this.build(c) };
    });
    if (outcome.ok) return outcome.report;
    await this.audit.record({
      action: 'letter.download',
      entityType: 'case',
      entityId: outcome.caseId,
      caseId: outcome.caseId,
      outcome: 'denied',
      statusCode: outcome.reason === 'unknown_link' ? 404 : 410,
      reason: outcome.reason,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    if (outcome.reason === 'unknown_link')
      throw new NotFoundException('This letter link is unknown; check that the whole link was copied');
    throw new GoneException(
      outcome.reason === 'link_expired'
        ? 'This letter link has expired; ask the clinic for a new one'
        : 'This letter link was replaced by a newer letter; use the link in the latest mail',
    );
  }

  private async build(c: CaseEntity): Promise<CaseReport> {
    const [who] = await this.tx.query<{
      family_name: string;
      given_name: string;
      mrn: string;
      birth_date: string;
      clinic: string;
      time_zone: string;
    }>(
      `SELECT p.family_name, p.given_name, p.mrn, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
              cl.name AS clinic, cl.time_zone
         FROM patient p, clinic cl WHERE p.id = $1 AND cl.id = $2`,
      [c.patientId, c.clinicId],
    );
    // details / treatment_changes read through to_jsonb so the query holds before and after the columns exist.
    const [change] = await this.tx.query<{
      concordance: string;
      change_types: string[];
      management_impact: string;
      details: unknown;
      treatment_changes: unknown;
    }>(
      `SELECT dc.concordance, dc.change_types, dc.management_impact,
              to_jsonb(dc) -> 'details' AS details, to_jsonb(dc) -> 'treatment_changes' AS treatment_changes
         FROM diagnosis_change dc WHERE dc.case_id = $1 AND dc.is_current`,
      [c.id],
    );
    // The signed plan; before any is signed, the latest draft or proposed one (shown as DRAFT).
    const [plan] = await this.tx.query<{
      id: string;
      number: number;
      status: ReportPlanStatus;
      items: ReportItem[];
      summary: string | null;
      signed_at: Date | null;
      signer_name: string | null;
      signer_disciplines: string[] | null;
    }>(
      `SELECT pv.id, pv.number, pv.status, pv.items, pv.summary, pv.signed_at,
              u.display_name AS signer_name, s.disciplines AS signer_disciplines
         FROM plan_version pv
         LEFT JOIN app_user u ON u.id = pv.signed_by
         LEFT JOIN specialist s ON s.user_id = pv.signed_by
        WHERE pv.case_id = $1 AND pv.status IN ('signed', 'proposed', 'draft')
        ORDER BY (pv.status = 'signed') DESC, pv.number DESC
        LIMIT 1`,
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
    const matches = await this.trials.matchesFor(c);
    // The board's diagnosis as it stands: what the board restated over what the reviews and the referral said.
    const { latest, standing } = await this.diagnoses.caseAssessments(c.id);
    const boardAssessment = latest.get('board') ?? null;
    const board = boardAssessment === null ? null : (standing?.diagnosis ?? boardAssessment);
    return {
      patient: {
        name: patientDisplayName(who.given_name, who.family_name),
        mrn: who.mrn,
        birthDate: who.birth_date,
      },
      referringClinician: c.referringClinician,
      referringInstitution: c.referringInstitution,
      clinic: { name: who.clinic, timeZone: who.time_zone },
      generatedAt: new Date().toISOString(),
      referring: asReport(latest.get('referring') ?? null),
      board: asReport(board),
      change:
        change === undefined
          ? null
          : {
              concordance: oneOf(CONCORDANCES, change.concordance, 'concordance'),
              changeTypes: change.change_types,
              managementImpact: oneOf(IMPACTS, change.management_impact, 'management_impact'),
              details: sentences(change.details),
              treatmentChanges: sentences(change.treatment_changes),
            },
      plan:
        plan === undefined
          ? null
          : {
              status: plan.status,
              number: plan.number,
              items: plan.items,
              summary: plan.summary,
              signedAt: plan.signed_at === null ? null : plan.signed_at.toISOString(),
              signer:
                plan.status !== 'signed' || plan.signer_name === null
                  ? null
                  : {
                      name: plan.signer_name,
                      // Only the session's chair signs a plan (PlansService.sign).
                      role: 'Chair of the tumor board',
                      disciplines: plan.signer_disciplines ?? [],
                    },
            },
      referringRecommendation: c.referringRecommendation,
      dissent,
      trials: matches.map((m) => ({
        nctId: m.nctId,
        title: m.title,
        phase: m.phase,
        eligibility: trialEligibility(m.match),
      })),
    };
  }
}
