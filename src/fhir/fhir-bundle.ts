/**
 * A case as a FHIR R4 Bundle in the mCODE shape (DOMAIN.md). Pure: the
 * service gathers the rows, this builds the resources. Resources refer to
 * each other by `urn:uuid:` full URLs inside the Bundle.
 */

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';
const ICDO3 = 'http://terminology.hl7.org/CodeSystem/icd-o-3';
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const NCIT = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#';
const AJCC = 'http://cancerstaging.org';

export interface FhirInput {
  patient: { id: string; mrn: string; familyName: string; givenName: string; birthDate: string; sex: string };
  diagnosis: {
    id: string;
    source: string;
    primarySite: string | null;
    histology: string | null;
    /** False when the board found no cancer: the referral's cancer is exported as refuted. */
    malignant: boolean;
    clinicalStage: { stageGroup?: string | null } | null;
    pathologicalStage: { stageGroup?: string | null } | null;
    additionalCancers: {
      primarySite: string;
      histology?: string | null;
      description?: string | null;
      status?: string | null;
    }[];
    recordedAt: Date;
  } | null;
  plan: {
    id: string;
    signedAt: Date | null;
    summary: string | null;
    items: { modality: string; intent: string; sequence: number; description?: string; nctId?: string }[];
  } | null;
  review: { id: string; performedAt: Date | null } | null;
  appointments: {
    id: string;
    discipline: string;
    specialist: string;
    patientAttends: boolean;
    start: Date;
    end: Date;
    status: string;
  }[];
}

type Resource = Record<string, unknown> & { resourceType: string; id: string };

const GENDER: Record<string, string> = { female: 'female', male: 'male', other: 'other', unknown: 'unknown' };
const ref = (r: Resource): { reference: string } => ({ reference: `urn:uuid:${r.id}` });

export function caseBundle(input: FhirInput, now = new Date()): Record<string, unknown> {
  const resources: Resource[] = [];
  const patient: Resource = {
    resourceType: 'Patient',
    id: input.patient.id,
    meta: { profile: [`${MCODE}/mcode-cancer-patient`] },
    identifier: [{ type: { text: 'Medical record number' }, value: input.patient.mrn }],
    name: [{ family: input.patient.familyName, given: [input.patient.givenName] }],
    gender: GENDER[input.patient.sex] ?? 'unknown',
    birthDate: input.patient.birthDate,
  };
  resources.push(patient);

  let primary: Resource | undefined;
  const d = input.diagnosis;
  if (d !== null && !d.malignant) {
    // Benign on review: the cancer the referral named is refuted, not exported as a cancer condition.
    resources.push({
      resourceType: 'Condition',
      id: d.id,
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'inactive' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }],
      },
      code: {
        coding: d.primarySite === null ? [] : [{ system: ICDO3, code: d.primarySite }],
        text: 'Cancer ruled out on second-opinion review (not malignant)',
      },
      subject: ref(patient),
      recordedDate: d.recordedAt.toISOString(),
    });
  }
  if (d !== null && d.malignant) {
    primary = {
      resourceType: 'Condition',
      id: d.id,
      meta: { profile: [`${MCODE}/mcode-primary-cancer-condition`] },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
      },
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] },
      ],
      code: {
        coding: d.primarySite === null ? [] : [{ system: ICDO3, code: d.primarySite }],
        text: `Primary cancer (${d.source} diagnosis)`,
      },
      ...(d.histology === null
        ? {}
        : {
            extension: [
              {
                url: `${MCODE}/mcode-histology-morphology-behavior`,
                valueCodeableConcept: { coding: [{ system: ICDO3, code: d.histology }] },
              },
            ],
          }),
      ...(d.primarySite === null ? {} : { bodySite: [{ coding: [{ system: ICDO3, code: d.primarySite }] }] }),
      subject: ref(patient),
      recordedDate: d.recordedAt.toISOString(),
    };
    resources.push(primary);
    const stage = d.pathologicalStage?.stageGroup ?? d.clinicalStage?.stageGroup ?? null;
    if (stage != null) {
      const pathological = d.pathologicalStage?.stageGroup != null;
      resources.push({
        resourceType: 'Observation',
        id: `${d.id.slice(0, 24)}5a9e00000001`,
        meta: { profile: [`${MCODE}/mcode-tnm-stage-group`] },
        status: 'final',
        category: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
        ],
        code: {
          // mCODE 4.0.0 staging-type value set: 21908-9 clinical, 21902-2 pathological stage group.
          coding: [
            pathological
              ? { system: LOINC, code: '21902-2', display: 'Stage group.pathology Cancer' }
              : { system: LOINC, code: '21908-9', display: 'Stage group.clinical Cancer' },
          ],
        },
        subject: ref(patient),
        focus: [ref(primary)],
        effectiveDateTime: d.recordedAt.toISOString(),
        valueCodeableConcept: { coding: [{ system: AJCC, code: stage }], text: `Stage ${stage}` },
      });
    }
    d.additionalCancers
      .filter((c) => c.status !== 'ruled_out')
      .forEach((c, i) => {
        resources.push({
          resourceType: 'Condition',
          id: `${d.id.slice(0, 24)}5ec0${String(i).padStart(8, '0')}`,
          meta: { profile: [`${MCODE}/mcode-secondary-cancer-condition`] },
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
          },
          category: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
              ],
            },
          ],
          code: {
            coding: [{ system: SNOMED, code: '128462008', display: 'Secondary malignant neoplastic disease' }],
            text: c.description ?? 'Additional cancer',
          },
          ...(c.histology === undefined
            ? {}
            : {
                extension: [
                  {
                    url: `${MCODE}/mcode-histology-morphology-behavior`,
                    valueCodeableConcept: { coding: [{ system: ICDO3, code: c.histology }] },
                  },
                ],
              }),
          bodySite: [{ coding: [{ system: ICDO3, code: c.primarySite }] }],
          subject: ref(patient),
        });
      });
  }

  if (input.review !== null) {
    resources.push({
      resourceType: 'Procedure',
      id: input.review.id,
      status: 'completed',
      code: { coding: [{ system: NCIT, code: 'C93304', display: 'Tumor Board Review' }] },
      subject: ref(patient),
      ...(input.review.performedAt === null ? {} : { performedDateTime: input.review.performedAt.toISOString() }),
      ...(primary === undefined ? {} : { reasonReference: [ref(primary)] }),
    });
  }

  if (input.plan !== null) {
    resources.push({
      resourceType: 'CarePlan',
      id: input.plan.id,
      status: input.plan.signedAt === null ? 'draft' : 'active',
      intent: 'plan',
      category: [{ text: 'Pre-therapeutic multidisciplinary tumor board conference' }],
      title: 'Consensus treatment plan',
      ...(input.plan.summary === null ? {} : { description: input.plan.summary }),
      subject: ref(patient),
      ...(input.plan.signedAt === null ? {} : { created: input.plan.signedAt.toISOString() }),
      ...(primary === undefined ? {} : { addresses: [ref(primary)] }),
      activity: input.plan.items.map((item) => ({
        detail: {
          kind: 'ServiceRequest',
          code: { text: `${item.sequence}. ${item.modality.replace(/_/g, ' ')} (${item.intent})` },
          status: 'not-started',
          description:
            [item.description, item.nctId === undefined ? undefined : `trial ${item.nctId}`]
              .filter(Boolean)
              .join('; ') || item.modality.replace(/_/g, ' '),
        },
      })),
    });
  }

  for (const a of input.appointments) {
    resources.push({
      resourceType: 'Appointment',
      id: a.id,
      status: a.status === 'booked' ? 'booked' : 'cancelled',
      serviceType: [{ text: a.discipline.replace(/_/g, ' ') }],
      start: a.start.toISOString(),
      end: a.end.toISOString(),
      // Each participant with its own status; a review without the patient has only the specialist.
      participant: [
        ...(a.patientAttends ? [{ actor: { ...ref(patient), display: 'Patient' }, status: 'accepted' }] : []),
        { actor: { display: a.specialist }, status: 'accepted' },
      ],
    });
  }

  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
