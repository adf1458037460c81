/**
 * A case as a FHIR R4 Bundle that conforms to mCODE 4.0.0 (the
 * hl7.fhir.us.mcode package's StructureDefinitions are the reference; see
 * src/fhir/mcode.ts for the codes). Pure: the service gathers the rows, this
 * builds the resources. Resources refer to each other by `urn:uuid:` full
 * URLs inside the Bundle; ids are derived from the case so that the same case
 * exports the same ids.
 *
 * What stands is one PrimaryCancerCondition: the board's diagnosis merged
 * with the reviews and the referral (else the referral's); its stages, grade,
 * tumor markers and ECOG are mCODE Observations. The referral's own
 * diagnosis, once the board has spoken, is a plain Condition asserted by the
 * referring clinician (refuted when the board found a different or no
 * cancer), and a Provenance records the board's revision. Benign on review:
 * the referral's cancer is refuted and the benign finding is its own
 * Condition; nothing claims a cancer profile.
 */
import { createHash } from 'node:crypto';
import { normaliseBiomarker, type BiomarkerInput } from '../cases/clinical/biomarkers.js';
import { icdo3ToIcd10cm, morphologyName, parseMorphology, topographyName } from '../cases/clinical/codes.js';
import type { AdditionalCancer } from '../cases/clinical/comparison.js';
import { codeItem, type PlanItem } from '../cases/clinical/management.js';
import type { SourcedDiagnosis } from '../cases/clinical/merge.js';
import { BASIS_WORDS, STAGE_BASES, STAGE_FIELDS, type StageBasis, type TnmStage } from '../cases/clinical/staging.js';
import type { PatientHistory } from '../cases/history/history.types.js';
import {
  AJCC_METHOD,
  CONSULT_NOTE,
  DOCUMENT_TYPE_NAMES,
  DOCUMENT_TYPES,
  ECOG_ANSWERS,
  FIGO_VALUES,
  GENETIC,
  GRADE_VALUE,
  gradeBand,
  INTENT,
  LATERALITY,
  MARKER_LOINC,
  PROFILE,
  RELATIVE_CODE,
  RESULT_VALUE,
  RISS_VALUES,
  ROUTE_CODE,
  SIGNIFICANCE,
  SOURCE_CLASS,
  SYS,
  SYSTEM_STAGE_CODES,
  tnmCodes,
  type Code,
} from './mcode.js';

export interface FhirAssessment {
  id: string;
  recordedAt: Date;
  diagnosis: SourcedDiagnosis;
  /** The ICD-10-CM code the site was given as, if it was. */
  icd10cm: string | null;
}

export interface FhirInput {
  case: {
    id: string;
    createdAt: Date;
    urgency: string;
    referringClinician: string;
    referringInstitution: string;
    recommendation: readonly PlanItem[];
  };
  clinic: { id: string; name: string };
  patient: { id: string; mrn: string; familyName: string; givenName: string; birthDate: string; sex: string };
  /** The referral's assessment (its own facts). */
  referral: FhirAssessment | null;
  /** The board's assessment, its diagnosis merged with the reviews and the referral (the standing diagnosis). */
  board: (FhirAssessment & { chair: string | null }) | null;
  /** The standing diagnosis when the board has not spoken (referral merged with the reviews). */
  standingWithoutBoard: SourcedDiagnosis | null;
  history: PatientHistory | null;
  plan: {
    id: string;
    signedAt: Date | null;
    summary: string | null;
    items: readonly PlanItem[];
  } | null;
  review: { performedAt: Date | null } | null;
  appointments: {
    id: string;
    discipline: string;
    specialist: string;
    patientAttends: boolean;
    start: Date;
    end: Date;
    status: string;
  }[];
  /** The second-opinion letter, rendered as PDF. */
  letter: { pdf: Buffer; createdAt: Date; title: string } | null;
}

type Json = Record<string, unknown>;
type Resource = Json & { resourceType: string; id: string };

/** A stable UUID (RFC 4122 version 5 layout) for a resource of the case. */
export function resourceId(caseId: string, key: string): string {
  const h = createHash('sha1').update(`${caseId}/${key}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ref = (r: Resource, display?: string): Json => ({
  reference: `urn:uuid:${r.id}`,
  ...(display === undefined ? {} : { display }),
});
const coding = (c: Code): Json => ({
  system: c.system,
  code: c.code,
  ...(c.display === undefined ? {} : { display: c.display }),
});
const concept = (codes: readonly Code[], text?: string): Json => ({
  ...(codes.length === 0 ? {} : { coding: codes.map(coding) }),
  ...(text === undefined ? {} : { text }),
});
const own = (vocabulary: string, code: string, display?: string): Code => ({
  system: `${SYS.consilium}/${vocabulary}`,
  code,
  ...(display === undefined ? {} : { display }),
});
const category = (system: string, code: string): Json[] => [{ coding: [{ system, code }] }];
const iso = (d: Date): string => d.toISOString();
const words = (s: string): string => s.replace(/_/g, ' ');

const CLINICAL = SYS.conditionClinical;
const VERIFY = SYS.conditionVerification;

/** The site, histology and stage of a diagnosis in one line (for text and notes). */
function diagnosisText(d: SourcedDiagnosis): string {
  const histology = d.histology === null ? undefined : (morphologyName(d.histology) ?? d.histology);
  const site = d.primarySite === null ? undefined : (topographyName(d.primarySite) ?? d.primarySite);
  const side =
    d.laterality !== null && d.laterality !== undefined && d.laterality !== 'unknown' ? `${d.laterality} ` : '';
  return (
    [histology, site === undefined ? undefined : `of ${side}${site.toLowerCase()}`].filter(Boolean).join(' ') ||
    'Cancer'
  );
}

function stageSummary(d: SourcedDiagnosis): Json[] {
  const out: Json[] = [];
  for (const basis of STAGE_BASES) {
    const s = stageOf(d, basis);
    if (s === null) continue;
    const tnm = [s.t, s.n, s.m].filter((x): x is string => typeof x === 'string' && x !== '').join(' ');
    const text = [tnm, s.stageGroup == null ? undefined : `stage ${s.stageGroup}`].filter(Boolean).join(', ');
    if (text !== '') out.push({ summary: { text: `${BASIS_WORDS[basis]}: ${text}` } });
  }
  return out;
}

function stageOf(d: SourcedDiagnosis, basis: StageBasis): TnmStage | null {
  const value = (d as unknown as Record<string, TnmStage | null | undefined>)[STAGE_FIELDS[basis]];
  return value ?? null;
}

export function caseBundle(input: FhirInput, now = new Date()): Json {
  const caseId = input.case.id;
  const id = (key: string): string => resourceId(caseId, key);
  const resources: Resource[] = [];
  const add = <T extends Resource>(r: T): T => {
    resources.push(r);
    return r;
  };

  const patient = add({
    resourceType: 'Patient',
    id: id('patient'),
    meta: { profile: [PROFILE.patient] },
    identifier: [
      {
        use: 'usual',
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
          text: 'Medical record number',
        },
        system: `${SYS.mrn}/${input.clinic.id}`,
        value: input.patient.mrn,
      },
    ],
    name: [{ family: input.patient.familyName, given: [input.patient.givenName] }],
    gender: ['female', 'male', 'other'].includes(input.patient.sex) ? input.patient.sex : 'unknown',
    birthDate: input.patient.birthDate,
  });
  const subject = ref(patient);

  const referrer = add({
    resourceType: 'Practitioner',
    id: id('referring-practitioner'),
    name: [{ text: input.case.referringClinician }],
  });
  const referringOrg = add({
    resourceType: 'Organization',
    id: id('referring-organization'),
    name: input.case.referringInstitution,
  });
  // The referring clinician in their institution: the requester of the referral, the asserter of its diagnosis.
  const referrerRole = add({
    resourceType: 'PractitionerRole',
    id: id('referring-role'),
    practitioner: ref(referrer, input.case.referringClinician),
    organization: ref(referringOrg, input.case.referringInstitution),
  });
  const clinic = add({ resourceType: 'Organization', id: id('clinic'), name: input.clinic.name });

  // ---- The diagnoses -------------------------------------------------------------------------
  const board = input.board;
  const standing = board?.diagnosis ?? input.standingWithoutBoard ?? input.referral?.diagnosis ?? null;
  const standingMalignant = standing?.malignant ?? false;

  const cancerCondition = (
    key: string,
    d: SourcedDiagnosis,
    opts: { icd10cm: string | null; recordedAt: Date; asserter?: Json; note?: string },
  ): Resource => {
    const site = d.primarySite;
    const icd =
      opts.icd10cm ?? (site === null ? undefined : icdo3ToIcd10cm(site, d.laterality, d.histology, input.patient.sex));
    return add({
      resourceType: 'Condition',
      id: id(key),
      meta: { profile: [PROFILE.primary] },
      ...(d.histology === null ? {} : { extension: [histologyExtension(d.histology)] }),
      clinicalStatus: concept([{ system: CLINICAL, code: 'active' }]),
      verificationStatus: concept([{ system: VERIFY, code: 'confirmed' }]),
      category: category(SYS.conditionCategory, 'problem-list-item'),
      code: concept(icd === undefined ? [] : [{ system: SYS.icd10cm, code: icd }], diagnosisText(d)),
      ...(site === null ? {} : { bodySite: [bodySite(site, d.laterality)] }),
      subject,
      ...(opts.asserter === undefined ? {} : { asserter: opts.asserter }),
      recordedDate: iso(opts.recordedAt),
      ...(opts.note === undefined ? {} : { note: [{ text: opts.note }] }),
    });
  };

  let primary: Resource | undefined;
  let boardFinding: Resource | undefined;
  let referralCondition: Resource | undefined;
  const ref0 = input.referral;
  if (board === null) {
    // Before the board: the referral (with what reviews added) stands, as the referring clinician asserted it.
    if (ref0 !== null && standing !== null) {
      if (standingMalignant) {
        primary = cancerCondition('condition/primary', standing, {
          icd10cm: ref0.icd10cm,
          recordedAt: ref0.recordedAt,
          asserter: ref(referrerRole, input.case.referringClinician),
          note: 'Diagnosis as referred, awaiting the tumor board second opinion',
        });
        referralCondition = primary;
      } else {
        referralCondition = add(
          nonCancerCondition(
            id('condition/referral'),
            standing,
            subject,
            ref0.recordedAt,
            'confirmed',
            ref(referrerRole),
          ),
        );
      }
    }
  } else {
    if (standingMalignant && standing !== null) {
      primary = cancerCondition('condition/primary', standing, {
        icd10cm: sameSite(ref0?.diagnosis ?? null, standing) ? (ref0?.icd10cm ?? null) : null,
        recordedAt: board.recordedAt,
        note: `Diagnosis of the ${input.clinic.name} multidisciplinary tumor board (second opinion)`,
      });
    } else if (standing !== null) {
      boardFinding = add(
        nonCancerCondition(id('condition/board-finding'), standing, subject, board.recordedAt, 'confirmed'),
      );
    }
    if (ref0 !== null) {
      // The referral's assertion, kept and told apart: refuted when the board found a different or no cancer.
      const d = ref0.diagnosis;
      const refuted = !standingMalignant || !sameCancer(d, standing);
      const icd =
        ref0.icd10cm ??
        (d.primarySite === null
          ? undefined
          : icdo3ToIcd10cm(d.primarySite, d.laterality, d.histology, input.patient.sex));
      referralCondition = add({
        resourceType: 'Condition',
        id: id('condition/referral'),
        ...(d.histology === null ? {} : { extension: [histologyExtension(d.histology)] }),
        clinicalStatus: concept([{ system: CLINICAL, code: refuted ? 'inactive' : 'active' }]),
        verificationStatus: concept([{ system: VERIFY, code: refuted ? 'refuted' : 'confirmed' }]),
        category: category(SYS.conditionCategory, 'problem-list-item'),
        code: concept(
          icd === undefined ? [] : [{ system: SYS.icd10cm, code: icd }],
          `${diagnosisText(d)} (referring diagnosis)`,
        ),
        ...(d.primarySite === null ? {} : { bodySite: [bodySite(d.primarySite, d.laterality)] }),
        subject,
        asserter: ref(referrerRole, input.case.referringClinician),
        recordedDate: iso(ref0.recordedAt),
        stage: stageSummary(d),
        note: [
          {
            text: refuted
              ? `Referring diagnosis, not confirmed by the tumor board second opinion of ${board.recordedAt.toISOString().slice(0, 10)}`
              : `Referring diagnosis, revised by the tumor board second opinion of ${board.recordedAt.toISOString().slice(0, 10)}`,
          },
        ],
      });
    }
    add({
      resourceType: 'Provenance',
      id: id('provenance/board'),
      target: [primary ?? boardFinding].filter((r): r is Resource => r !== undefined).map((r) => ref(r)),
      recorded: iso(board.recordedAt),
      activity: concept(
        [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }],
        'Second-opinion tumor board review',
      ),
      agent: [
        {
          type: concept([{ system: SYS.provenanceParticipant, code: 'author' }]),
          who: ref(clinic, `${input.clinic.name} tumor board`),
        },
        ...(board.chair === null
          ? []
          : [
              {
                type: concept([{ system: SYS.provenanceParticipant, code: 'attester' }]),
                who: { display: board.chair },
              },
            ]),
      ],
      ...(referralCondition === undefined ? {} : { entity: [{ role: 'revision', what: ref(referralCondition) }] }),
    });
  }

  // ---- What describes the standing cancer: additional cancers, stages, grade, markers, ECOG --------------
  if (primary !== undefined && standing !== null) {
    const focus = [ref(primary)];
    standing.additionalCancers
      .filter((c) => c.status !== 'ruled_out')
      .forEach((c, i) => add(additionalCancer(id(`condition/additional/${i}`), c, subject, primary)));

    const edition = standing.ajccEdition ?? 8;
    const method = concept([AJCC_METHOD[edition] ?? AJCC_METHOD[8]]);
    const effective = iso(board?.recordedAt ?? input.referral?.recordedAt ?? now);
    for (const basis of STAGE_BASES) {
      const s = stageOf(standing, basis);
      if (s === null) continue;
      const members: Resource[] = [];
      for (const element of ['t', 'n', 'm'] as const) {
        const value = s[element];
        if (value == null || value === '') continue;
        members.push(
          add({
            resourceType: 'Observation',
            id: id(`stage/${basis}/${element}`),
            meta: { profile: [PROFILE[element]] },
            status: 'final',
            category: category(SYS.observationCategory, basis.includes('pathological') ? 'laboratory' : 'imaging'),
            code: concept(tnmCodes(basis, element), `${BASIS_WORDS[basis]} ${element.toUpperCase()} category`),
            subject,
            focus,
            effectiveDateTime: effective,
            valueCodeableConcept: concept([{ system: SYS.ajcc, code: ajccCode(value) }], value),
            method,
          }),
        );
      }
      if (s.stageGroup == null || s.stageGroup === '') continue;
      add({
        resourceType: 'Observation',
        id: id(`stage/${basis}/group`),
        meta: { profile: [PROFILE.stageGroup] },
        status: 'final',
        category: category(SYS.observationCategory, basis.includes('pathological') ? 'laboratory' : 'imaging'),
        code: concept(
          tnmCodes(basis, 'group'),
          `${BASIS_WORDS[basis]} stage group${s.groupType == null ? '' : ` (AJCC ${s.groupType})`}`,
        ),
        subject,
        focus,
        effectiveDateTime: effective,
        valueCodeableConcept: concept([{ system: SYS.ajcc, code: s.stageGroup }], s.stageGroup),
        method,
        ...(members.length === 0 ? {} : { hasMember: members.map((m) => ref(m)) }),
      });
    }
    for (const other of standing.otherStages ?? [])
      add(systemStage(id(`stage/${other.system}`), other, standing.histology, subject, focus, effective));
    if (standing.resectability != null)
      add({
        resourceType: 'Observation',
        id: id('stage/resectability'),
        status: 'final',
        code: concept([own('observation', 'resectability', 'Resectability')], 'Resectability'),
        subject,
        focus,
        effectiveDateTime: effective,
        valueCodeableConcept: concept([own('resectability', standing.resectability)], words(standing.resectability)),
      });
    if (standing.grade != null) {
      const band = gradeBand(standing.grade);
      add({
        resourceType: 'Observation',
        id: id('grade'),
        meta: { profile: [PROFILE.grade] },
        extension: [{ url: PROFILE.relatedConditionExt, valueReference: ref(primary) }],
        status: 'final',
        category: category(SYS.observationCategory, 'laboratory'),
        code: concept([{ system: SYS.ncit, code: 'C18000', display: 'Histologic Grade' }]),
        subject,
        effectiveDateTime: effective,
        valueCodeableConcept: concept(band === undefined ? [] : [GRADE_VALUE[band]], standing.grade),
        // The Gleason pattern behind an ISUP grade group.
        ...(standing.gleason == null
          ? {}
          : {
              component: (['primary', 'secondary', 'tertiary'] as const)
                .filter((k) => standing.gleason?.[k] != null)
                .map((k) => ({
                  code: concept([own('gleason', k, `Gleason ${k} pattern`)], `Gleason ${k} pattern`),
                  valueInteger: standing.gleason?.[k],
                })),
            }),
      });
    }
    standing.biomarkers.forEach((b, i) => add(tumorMarker(id(`marker/${i}`), b, subject, focus, effective)));
    if (standing.ecog != null)
      add({
        resourceType: 'Observation',
        id: id('ecog'),
        meta: { profile: [PROFILE.ecog] },
        status: 'final',
        category: category(SYS.observationCategory, 'survey'),
        code: concept([{ system: SYS.loinc, code: '89247-1', display: 'ECOG Performance Status score' }]),
        subject,
        effectiveDateTime: effective,
        valueInteger: standing.ecog,
        interpretation: [concept([{ system: SYS.loinc, code: ECOG_ANSWERS[standing.ecog] ?? 'LA9622-7' }])],
      });
  }

  // ---- The history the patient brings ------------------------------------------------------------
  if (input.history !== null) addHistory(input.history, { id, add, subject, patient });

  // ---- The referral itself (what another system sends us; what we would send on) -------------------
  const request = add({
    resourceType: 'ServiceRequest',
    id: id('service-request'),
    identifier: [{ system: SYS.caseId, value: caseId }],
    status: board === null ? 'active' : 'completed',
    intent: 'order',
    category: [concept([], 'Second opinion')],
    priority: input.case.urgency === 'urgent' ? 'urgent' : 'routine',
    code: concept([], 'Second opinion: multidisciplinary tumor board review'),
    subject,
    authoredOn: iso(input.case.createdAt),
    requester: ref(referrerRole, input.case.referringClinician),
    performer: [ref(clinic, input.clinic.name)],
    ...(referralCondition === undefined ? {} : { reasonReference: [ref(referralCondition)] }),
    ...(input.history?.referringQuestion == null ? {} : { note: [{ text: input.history.referringQuestion }] }),
  });
  void request;

  // ---- The treatment: the referral's recommendation (proposal) and the board's plan ----------------
  const cancerRef = primary ?? referralCondition;
  const medicationRequests = (
    key: string,
    items: readonly PlanItem[],
    intent: 'proposal' | 'plan',
    signed: boolean,
  ): Map<number, Resource[]> => {
    const out = new Map<number, Resource[]>();
    items.forEach((item, i) => {
      const coded = codeItem(item);
      if (item.modality !== 'systemic_therapy' && item.modality !== 'clinical_trial') return;
      const list = coded.drugs.map((drug, j) =>
        add({
          resourceType: 'MedicationRequest',
          id: id(`${key}/${i}/${j}`),
          meta: { profile: [PROFILE.medicationRequest] },
          ...(INTENT[item.intent] === undefined
            ? {}
            : {
                extension: [{ url: PROFILE.procedureIntentExt, valueCodeableConcept: concept([INTENT[item.intent]]) }],
              }),
          status: signed ? 'active' : 'draft',
          intent,
          medicationCodeableConcept: concept([], drug),
          subject,
          ...(intent === 'proposal' ? { requester: ref(referrerRole, input.case.referringClinician) } : {}),
          ...(cancerRef === undefined
            ? { reasonCode: [concept([], diagnosisText(standing ?? emptyDiagnosis()))] }
            : { reasonReference: [ref(cancerRef)] }),
          ...(item.regimen == null && coded.regimen === null
            ? {}
            : { groupIdentifier: { value: item.regimen ?? coded.regimen } }),
          note: [
            {
              text: `${item.sequence}. ${words(item.modality)}${coded.setting === null ? '' : `, ${coded.setting}`}${item.description == null ? '' : `: ${item.description}`}`,
            },
          ],
        }),
      );
      out.set(i, list);
    });
    return out;
  };
  medicationRequests('recommendation', input.case.recommendation, 'proposal', true);
  if (input.plan !== null) {
    const signed = input.plan.signedAt !== null;
    const drugs = medicationRequests('plan', input.plan.items, 'plan', signed);
    add({
      resourceType: 'CarePlan',
      id: id('care-plan'),
      status: signed ? 'active' : 'draft',
      intent: 'plan',
      category: [concept([], 'Pre-therapeutic multidisciplinary tumor board conference')],
      title: 'Consensus treatment plan',
      ...(input.plan.summary === null ? {} : { description: input.plan.summary }),
      subject,
      ...(input.plan.signedAt === null ? {} : { created: iso(input.plan.signedAt) }),
      author: ref(clinic, `${input.clinic.name} tumor board`),
      ...(cancerRef === undefined ? {} : { addresses: [ref(cancerRef)] }),
      activity: input.plan.items.flatMap((item, i): Json[] => {
        const coded = codeItem(item);
        const fromDrugs = drugs.get(i) ?? [];
        if (fromDrugs.length > 0) return fromDrugs.map((mr) => ({ reference: ref(mr) }));
        return [
          {
            detail: {
              kind: item.modality === 'surgery' || item.modality === 'radiation' ? 'ServiceRequest' : 'Task',
              code: concept(
                [own('modality', item.modality, words(item.modality))],
                [item.sequence, words(item.modality), coded.procedures.join(', ') || undefined]
                  .filter(Boolean)
                  .join('. '),
              ),
              status: 'not-started',
              description:
                [
                  item.description,
                  coded.laterality === null ? undefined : `${coded.laterality} side`,
                  item.nctId == null ? undefined : `trial ${item.nctId}`,
                ]
                  .filter(Boolean)
                  .join('; ') || words(item.modality),
            },
          },
        ];
      }),
    });
  }

  // ---- The review, the visit, the letter -----------------------------------------------------------
  if (input.review !== null)
    add({
      resourceType: 'Procedure',
      id: id('review'),
      status: 'completed',
      code: concept([{ system: SYS.ncit, code: 'C93304', display: 'Tumor Board Review' }]),
      subject,
      ...(input.review.performedAt === null ? {} : { performedDateTime: iso(input.review.performedAt) }),
      ...(cancerRef === undefined ? {} : { reasonReference: [ref(cancerRef)] }),
    });
  for (const a of input.appointments)
    add({
      resourceType: 'Appointment',
      id: a.id,
      status: a.status === 'booked' ? 'booked' : 'cancelled',
      serviceType: [{ text: words(a.discipline) }],
      start: iso(a.start),
      end: iso(a.end),
      // Each participant with its own status; a review without the patient has only the specialist.
      participant: [
        ...(a.patientAttends ? [{ actor: { ...ref(patient), display: 'Patient' }, status: 'accepted' }] : []),
        { actor: { display: a.specialist }, status: 'accepted' },
      ],
    });
  if (input.letter !== null)
    add({
      resourceType: 'DocumentReference',
      id: id('letter'),
      status: 'current',
      type: concept([CONSULT_NOTE], 'Second-opinion letter'),
      category: [concept([], 'Second opinion')],
      subject,
      date: iso(input.letter.createdAt),
      author: [ref(clinic, input.clinic.name)],
      description: input.letter.title,
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            data: input.letter.pdf.toString('base64'),
            size: input.letter.pdf.length,
            hash: createHash('sha1').update(input.letter.pdf).digest('base64'),
            title: 'second-opinion.pdf',
            creation: iso(input.letter.createdAt),
          },
        },
      ],
    });

  return {
    resourceType: 'Bundle',
    id: id('bundle'),
    meta: { profile: [PROFILE.bundle] },
    identifier: { system: SYS.caseId, value: caseId },
    type: 'collection',
    timestamp: iso(now),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}

function emptyDiagnosis(): SourcedDiagnosis {
  return {
    primarySite: null,
    histology: null,
    laterality: null,
    grade: null,
    clinicalStage: null,
    pathologicalStage: null,
    biomarkers: [],
    additionalCancers: [],
    malignant: true,
  };
}

function histologyExtension(histology: string): Json {
  return {
    url: PROFILE.histologyExt,
    valueCodeableConcept: concept([{ system: SYS.icdo3, code: histology, display: morphologyName(histology) }]),
  };
}

function bodySite(topography: string, laterality: string | null | undefined): Json {
  const side = laterality == null ? undefined : LATERALITY[laterality];
  return {
    ...(side === undefined
      ? {}
      : { extension: [{ url: PROFILE.lateralityExt, valueCodeableConcept: concept([side]) }] }),
    coding: [coding({ system: SYS.icdo3, code: topography, display: topographyName(topography) })],
  };
}

const sameSite = (a: SourcedDiagnosis | null, b: SourcedDiagnosis | null): boolean =>
  a !== null && b !== null && a.primarySite === b.primarySite && (a.laterality ?? null) === (b.laterality ?? null);

/** The same cancer: same organ (ICD-O-3 three characters), same histologic type, still malignant. */
function sameCancer(a: SourcedDiagnosis, b: SourcedDiagnosis | null): boolean {
  if (b === null || !a.malignant || !b.malignant) return false;
  const organ = (d: SourcedDiagnosis) => (d.primarySite ?? '').slice(0, 3);
  const type = (d: SourcedDiagnosis) => (d.histology ?? '').slice(0, 4);
  return organ(a) === organ(b) && (type(a) === '' || type(b) === '' || type(a) === type(b));
}

/** A benign or uncertain finding (no cancer): a plain Condition, never a cancer profile. */
function nonCancerCondition(
  id: string,
  d: SourcedDiagnosis,
  subject: Json,
  recordedAt: Date,
  verification: 'confirmed' | 'refuted',
  asserter?: Json,
): Resource {
  const behaviour = d.histology === null ? undefined : parseMorphology(d.histology)?.behaviour;
  const kind =
    behaviour === 1 ? 'Neoplasm of uncertain behaviour' : behaviour === 2 ? 'Carcinoma in situ' : 'No malignancy';
  return {
    resourceType: 'Condition',
    id,
    ...(d.histology === null ? {} : { extension: [histologyExtension(d.histology)] }),
    clinicalStatus: concept([{ system: CLINICAL, code: 'active' }]),
    verificationStatus: concept([{ system: VERIFY, code: verification }]),
    category: category(SYS.conditionCategory, 'problem-list-item'),
    code: concept([], `${kind}${d.histology === null ? '' : `: ${morphologyName(d.histology) ?? d.histology}`}`),
    ...(d.primarySite === null ? {} : { bodySite: [bodySite(d.primarySite, d.laterality)] }),
    subject,
    ...(asserter === undefined ? {} : { asserter }),
    recordedDate: recordedAt.toISOString(),
    note: [{ text: 'Malignancy not found on second-opinion review' }],
  };
}

/** A further cancer: a metastasis (/6) is a SecondaryCancerCondition, another primary a PrimaryCancerCondition. */
function additionalCancer(id: string, c: AdditionalCancer, subject: Json, primary: Resource): Resource {
  const secondary = c.histology != null && parseMorphology(c.histology)?.behaviour === 6;
  const text =
    c.description ??
    `${c.histology == null ? 'Cancer' : (morphologyName(c.histology) ?? c.histology)} of ${(topographyName(c.primarySite) ?? c.primarySite).toLowerCase()}`;
  return {
    resourceType: 'Condition',
    id,
    meta: { profile: [secondary ? PROFILE.secondary : PROFILE.primary] },
    extension: [
      ...(c.histology == null ? [] : [histologyExtension(c.histology)]),
      ...(secondary
        ? [{ url: 'http://hl7.org/fhir/StructureDefinition/condition-related', valueReference: ref(primary) }]
        : []),
    ],
    clinicalStatus: concept([{ system: CLINICAL, code: 'active' }]),
    verificationStatus: concept([{ system: VERIFY, code: 'confirmed' }]),
    category: category(SYS.conditionCategory, 'problem-list-item'),
    code: secondary
      ? concept([{ system: SYS.snomed, code: '128462008', display: 'Secondary malignant neoplastic disease' }], text)
      : concept([], text),
    bodySite: [bodySite(c.primarySite, c.laterality)],
    subject,
  };
}

/** AJCC code of an element as written: prefix and category without suffixes (pN1mi(sn) → pN1mi). */
function ajccCode(value: string): string {
  return value.replace(/\(.*$/, '').trim();
}

function systemStage(
  id: string,
  s: { system: string; stage: string },
  histology: string | null,
  subject: Json,
  focus: Json[],
  effective: string,
): Resource {
  const codes = SYSTEM_STAGE_CODES[s.system];
  const value =
    s.system === 'figo' && FIGO_VALUES[s.stage] !== undefined
      ? [{ system: SYS.ncit, code: FIGO_VALUES[s.stage], display: `FIGO Stage ${s.stage}` }]
      : s.system === 'r_iss' && RISS_VALUES[s.stage] !== undefined
        ? [{ system: SYS.ncit, code: RISS_VALUES[s.stage], display: `RISS Stage ${s.stage} Plasma Cell Myeloma` }]
        : [];
  const name =
    s.system === 'r_iss'
      ? 'R-ISS'
      : s.system === 'bclc'
        ? 'BCLC'
        : s.system.charAt(0).toUpperCase() + s.system.slice(1);
  return {
    resourceType: 'Observation',
    id,
    ...(codes === undefined ? {} : { meta: { profile: [PROFILE.cancerStage] } }),
    status: 'final',
    category: category(SYS.observationCategory, 'exam'),
    code: concept(
      codes === undefined
        ? [own('staging-system', s.system, name)]
        : [codes.code, own('staging-system', s.system, name)],
      `${name} stage`,
    ),
    subject,
    focus,
    effectiveDateTime: effective,
    valueCodeableConcept: concept(value, s.stage),
    ...(codes?.method === undefined ? {} : { method: concept([codes.method(histology)]) }),
  };
}

/** A tumor marker result: the marker's LOINC code where mCODE lists one, the structured result in components. */
function tumorMarker(id: string, b: BiomarkerInput, subject: Json, focus: Json[], effective: string): Resource {
  const r = normaliseBiomarker(b);
  const codes = MARKER_LOINC[r.marker];
  const field = (code: string, value: Json, loinc?: Code): Json => ({
    code: concept([own('biomarker-field', code), ...(loinc === undefined ? [] : [loinc])], words(code)),
    ...value,
  });
  const components: Json[] = [];
  if (b.percent != null)
    components.push(
      field('percent', { valueQuantity: { value: b.percent, unit: '%', system: SYS.ucum, code: '%' } }, codes?.percent),
    );
  if (b.ihcScore != null) components.push(field('ihc_score', { valueString: b.ihcScore }));
  if (b.ishRatio != null)
    components.push(
      field('ish_ratio', { valueQuantity: { value: b.ishRatio, unit: '{ratio}', system: SYS.ucum, code: '{ratio}' } }),
    );
  if (b.copyNumber != null)
    components.push(
      field('copy_number', {
        valueQuantity: { value: b.copyNumber, unit: '{copies}/{cell}', system: SYS.ucum, code: '{copies}/{cell}' },
      }),
    );
  if (b.ishResult != null) components.push(field('ish_result', { valueString: b.ishResult }));
  if (b.variant != null)
    components.push(
      field(
        'variant',
        { valueString: b.variant },
        /^c\./.test(b.variant) ? GENETIC.dnaChange : GENETIC.aminoAcidChange,
      ),
    );
  if (b.tps != null)
    components.push(field('tps', { valueQuantity: { value: b.tps, unit: '%', system: SYS.ucum, code: '%' } }));
  if (b.cps != null)
    components.push(
      field('cps', { valueQuantity: { value: b.cps, unit: '{score}', system: SYS.ucum, code: '{score}' } }),
    );
  if (b.origin != null)
    components.push(field('origin', { valueCodeableConcept: concept([SOURCE_CLASS[b.origin]]) }, GENETIC.sourceClass));
  if (b.result != null) components.push(field('result', { valueString: b.result }));
  const serum = codes?.quantity;
  const level = serum === undefined ? undefined : /^\s*(\d+(?:\.\d+)?)\s*(?:ng\/ml|u\/ml)?\s*$/i.exec(b.value ?? '');
  const code = serum ?? codes?.presence;
  const category = r.category?.code ?? '';
  const answer = /negative|^0$|^absent|not_detected|pmmr|mss/i.test(category)
    ? [RESULT_VALUE.negative]
    : /positive|amplified|msi_h|dmmr|detected/i.test(category) && !/not/i.test(category)
      ? [RESULT_VALUE.positive]
      : [];
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [PROFILE.tumorMarker] },
    ...(b.value == null && !(serum !== undefined && level != null)
      ? {
          extension: [
            {
              url: `${SYS.consilium.replace('CodeSystem', 'StructureDefinition')}/value-from-category`,
              valueBoolean: true,
            },
          ],
        }
      : {}),
    status: 'final',
    category: categoryLab(),
    code: concept([...(code === undefined ? [] : [code]), own('biomarker', r.marker, r.marker)], b.name),
    subject,
    focus,
    effectiveDateTime: effective,
    ...(serum !== undefined && level !== null && level !== undefined
      ? { valueQuantity: { value: Number(level[1]), unit: serum.unit, system: SYS.ucum, code: serum.unit } }
      : { valueCodeableConcept: concept(answer, b.value ?? r.category?.label ?? b.result ?? 'reported') }),
    ...(b.method == null ? {} : { method: { text: b.method } }),
    ...(r.category === null
      ? {}
      : {
          interpretation: [concept([own('biomarker-category', r.category.code, r.category.label)], r.category.label)],
        }),
    ...(components.length === 0 ? {} : { component: components }),
  };
}
const categoryLab = (): Json[] => [{ coding: [{ system: SYS.observationCategory, code: 'laboratory' }] }];

interface Ctx {
  id: (key: string) => string;
  add: <T extends Resource>(r: T) => T;
  subject: Json;
  patient: Resource;
}

function addHistory(h: PatientHistory, { id, add, subject }: Ctx): void {
  h.medications.forEach((m, i) =>
    add({
      resourceType: 'MedicationStatement',
      id: id(`medication/${i}`),
      status: 'active',
      medicationCodeableConcept: concept([], m.name),
      subject,
      ...(m.startDate === null ? {} : { effectivePeriod: { start: m.startDate } }),
      ...(m.dose === null && m.route === null && m.frequency === null
        ? {}
        : {
            dosage: [
              {
                ...(m.dose === null ? {} : { text: m.dose }),
                ...(m.frequency === null ? {} : { timing: { code: { text: m.frequency } } }),
                ...(m.route === null
                  ? {}
                  : {
                      route: concept(
                        ROUTE_CODE[m.route] === undefined ? [] : [{ system: SYS.snomed, code: ROUTE_CODE[m.route] }],
                        m.route,
                      ),
                    }),
              },
            ],
          }),
    }),
  );
  h.treatments.forEach((t, i) =>
    add({
      resourceType: 'Procedure',
      id: id(`treatment/${i}`),
      extension: [
        ...(t.line === null
          ? []
          : [
              {
                url: `${SYS.consilium.replace('CodeSystem', 'StructureDefinition')}/line-of-therapy`,
                valueInteger: t.line,
              },
            ]),
        ...(t.setting === null
          ? []
          : [
              {
                url: `${SYS.consilium.replace('CodeSystem', 'StructureDefinition')}/treatment-setting`,
                valueCode: t.setting,
              },
            ]),
      ],
      status: t.endDate === null && t.startDate !== null ? 'in-progress' : 'completed',
      category: concept([own('modality', t.modality, words(t.modality))], words(t.modality)),
      code: concept([], t.regimen ?? words(t.modality)),
      subject,
      ...(t.startDate === null && t.endDate === null
        ? {}
        : {
            performedPeriod: {
              ...(t.startDate === null ? {} : { start: t.startDate }),
              ...(t.endDate === null ? {} : { end: t.endDate }),
            },
          }),
      ...(t.institution === null ? {} : { location: { display: t.institution } }),
      ...(t.bestResponse === null
        ? {}
        : { outcome: concept([own('best-response', t.bestResponse)], words(t.bestResponse)) }),
      ...(t.drugs.length === 0 ? {} : { usedCode: t.drugs.map((d) => concept([], d)) }),
      ...(t.regimen === null ? {} : { identifier: [{ system: `${SYS.consilium}/regimen`, value: t.regimen }] }),
      ...(t.notes === null ? {} : { note: [{ text: t.notes }] }),
    }),
  );
  h.comorbidities.forEach((c, i) =>
    add({
      resourceType: 'Condition',
      id: id(`comorbidity/${i}`),
      clinicalStatus: concept([{ system: CLINICAL, code: 'active' }]),
      verificationStatus: concept([{ system: VERIFY, code: 'confirmed' }]),
      category: category(SYS.conditionCategory, 'problem-list-item'),
      code: concept(c.icd10cm === null ? [] : [{ system: SYS.icd10cm, code: c.icd10cm }], c.description),
      subject,
    }),
  );
  h.allergies.forEach((a, i) =>
    add({
      resourceType: 'AllergyIntolerance',
      id: id(`allergy/${i}`),
      clinicalStatus: concept([
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ]),
      ...(a.severity === 'life_threatening'
        ? { criticality: 'high' }
        : a.severity === 'unknown'
          ? { criticality: 'unable-to-assess' }
          : {}),
      code: concept([], a.substance),
      patient: subject,
      ...(a.reaction === null
        ? {}
        : {
            reaction: [
              {
                manifestation: [concept([], a.reaction)],
                ...(a.severity === 'mild' || a.severity === 'moderate' || a.severity === 'severe'
                  ? { severity: a.severity }
                  : {}),
                ...(a.severity === 'life_threatening' ? { severity: 'severe' } : {}),
              },
            ],
          }),
    }),
  );
  h.familyHistory.forEach((f, i) =>
    add({
      resourceType: 'FamilyMemberHistory',
      id: id(`family/${i}`),
      status: 'completed',
      patient: subject,
      relationship: concept(
        [{ system: SYS.roleCode, code: RELATIVE_CODE[f.relative] ?? 'FAMMEMB' }],
        words(f.relative),
      ),
      condition: [
        {
          code: concept([], f.condition),
          ...(f.ageAtDiagnosis === null
            ? {}
            : { onsetAge: { value: f.ageAtDiagnosis, unit: 'a', system: SYS.ucum, code: 'a' } }),
        },
      ],
    }),
  );
  h.geneticTests.forEach((g, i) => {
    const found = g.result !== 'negative' && g.result !== 'not_detected';
    add({
      resourceType: 'Observation',
      id: id(`genetic/${i}`),
      status: 'final',
      category: categoryLab(),
      code: concept([GENETIC.variantAssessment], g.testName),
      subject,
      ...(g.date === null ? {} : { effectiveDateTime: g.date }),
      ...(g.lab === null ? {} : { performer: [{ display: g.lab }] }),
      valueCodeableConcept: concept([found ? GENETIC.present : GENETIC.absent], words(g.result)),
      method: { text: g.testName },
      component: [
        { code: concept([GENETIC.sourceClass]), valueCodeableConcept: concept([SOURCE_CLASS[g.origin]]) },
        ...(g.gene === null
          ? []
          : [{ code: concept([GENETIC.geneStudied]), valueCodeableConcept: concept([], g.gene) }]),
        ...(g.variant === null
          ? []
          : [
              {
                code: concept([/^c\./.test(g.variant) ? GENETIC.dnaChange : GENETIC.aminoAcidChange]),
                valueCodeableConcept: concept([], g.variant),
              },
            ]),
        ...(SIGNIFICANCE[g.result] === undefined
          ? []
          : [{ code: concept([GENETIC.significance]), valueCodeableConcept: concept([SIGNIFICANCE[g.result]]) }]),
      ],
    });
  });
  if (h.patientGoals !== null)
    add({
      resourceType: 'Goal',
      id: id('goal'),
      lifecycleStatus: 'active',
      description: { text: h.patientGoals },
      subject,
      expressedBy: subject,
    });
}

export { DOCUMENT_TYPE_NAMES, DOCUMENT_TYPES };
