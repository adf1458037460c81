/**
 * Reads a referral sent as a FHIR R4 Bundle (mCODE 4.0.0, as another
 * hospital's system writes it, or as Consilium exports it) into the REST
 * intake's request body, the files to store, and the FHIRPath of every field
 * so that the intake's own refusals name the element they came from. Pure:
 * nothing is written here; the import service validates and writes.
 *
 * What is read:
 * - ServiceRequest: identifier (the idempotency key), requester (the
 *   referring clinician and institution), priority, reasonReference, note
 *   (the referring question).
 * - Patient: MRN identifier, name, gender, birth date, telecom.
 * - The cancer that stands: the PrimaryCancerCondition that is not refuted
 *   (the one the ServiceRequest names when there are several). Site from
 *   `bodySite` ICD-O-3, else `code` ICD-10-CM, else a mapped SNOMED CT body
 *   structure or disorder; histology from the mCODE histology extension
 *   (ICD-O-3, or a mapped SNOMED CT morphology); laterality from the mCODE
 *   laterality qualifier or the side in the code. Other cancer conditions are
 *   additional cancers.
 * - Observations: TNM stage group and T/N/M categories (LOINC or SNOMED CT
 *   codes; AJCC values as code, text or SNOMED CT display), Lugano, FIGO and
 *   R-ISS stages, histologic grade, tumor marker tests, ECOG, genetic
 *   variant assessments.
 * - History: MedicationStatement, MedicationAdministration and Procedure
 *   (prior treatments), AllergyIntolerance, FamilyMemberHistory,
 *   non-cancer Conditions (comorbidities), Goal.
 * - The recommendation: the CarePlan's activities, else the
 *   MedicationRequests.
 * - DocumentReference attachments sent inline (`attachment.data`).
 */
import { normaliseBiomarker, type BiomarkerInput } from '../cases/clinical/biomarkers.js';
import { icd10cmToIcdo3, isTopography, parseMorphology } from '../cases/clinical/codes.js';
import { GRADES } from '../cases/clinical/grading.js';
import { STAGING_SYSTEMS, type StageBasis } from '../cases/clinical/staging.js';
import { RECORD_TYPES, type RecordType } from '../common/clinical-codes.js';
import {
  ajccEditionOf,
  DOCUMENT_TYPES,
  ECOG_ANSWERS,
  FIGO_VALUES,
  GENETIC,
  GRADE_VALUE,
  INTENT,
  LATERALITY,
  markerOfLoinc,
  PROFILE,
  readTnmCode,
  RELATIVE_CODE,
  RESULT_VALUE,
  RISS_VALUES,
  ROUTE_CODE,
  SIGNIFICANCE,
  SOURCE_CLASS,
  SYS,
  SYSTEM_STAGE_CODES,
  type Code,
} from './mcode.js';
import type { BundleIssue, ParseResult, ReferralAttachment } from './referral-bundle.types.js';

type Json = Record<string, unknown>;
interface Entry {
  resource: Json;
  path: string;
}

/** SNOMED CT concepts a referral may code a site with, and their ICD-O-3 topography (and side). */
const SNOMED_SITES: Record<string, { topography: string; laterality?: 'left' | 'right' }> = {
  // Body structures.
  '76752008': { topography: 'C50.9' }, // Breast structure
  '80248007': { topography: 'C50.9', laterality: 'left' }, // Left breast structure
  '73056007': { topography: 'C50.9', laterality: 'right' }, // Right breast structure
  '41216001': { topography: 'C61.9' }, // Prostatic structure
  '39607008': { topography: 'C34.9' }, // Lung structure
  '71854001': { topography: 'C18.9' }, // Colon structure
  // Disorders.
  '254837009': { topography: 'C50.9' }, // Malignant neoplasm of breast
  '353431000119107': { topography: 'C50.9', laterality: 'left' }, // Primary malignant neoplasm of female left breast
  '399068003': { topography: 'C61.9' }, // Malignant tumor of prostate
  '363358000': { topography: 'C34.9' }, // Malignant tumor of lung
  '363406005': { topography: 'C18.9' }, // Malignant tumor of colon
};
/** SNOMED CT morphologies and their ICD-O-3 code. */
const SNOMED_MORPHOLOGY: Record<string, string> = {
  '82711006': '8500/3', // Infiltrating duct carcinoma
  '35917007': '8140/3', // Adenocarcinoma, no subtype
};
const SNOMED_SECONDARY = '128462008';
const NO_KNOWN_ALLERGY = new Set(['716186003', '409137002', '428607008', '429625007']);
/** Marks a tumor marker value Consilium wrote from the category because no result text was given. */
export const VALUE_FROM_CATEGORY = `${SYS.consilium.replace('CodeSystem', 'StructureDefinition')}/value-from-category`;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const codings = (cc: unknown): Code[] =>
  arr(obj(cc)?.coding)
    .map(obj)
    .filter((c): c is Json => c !== undefined && str(c.code) !== undefined)
    .map((c) => ({ system: str(c.system) ?? '', code: str(c.code)!, display: str(c.display) }));
const textOf = (cc: unknown): string | undefined =>
  str(obj(cc)?.text) ?? codings(cc).find((c) => c.display !== undefined)?.display;
const has = (cc: unknown, code: Code): boolean =>
  codings(cc).some((c) => c.system === code.system && c.code === code.code);
const ownCode = (cc: unknown, vocabulary: string): string | undefined =>
  codings(cc).find((c) => c.system === `${SYS.consilium}/${vocabulary}`)?.code;
const profiles = (r: Json): string[] => arr(obj(r.meta)?.profile).filter((p): p is string => typeof p === 'string');
const dateOf = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : undefined;
};
const verification = (r: Json): string | undefined => codings(r.verificationStatus)[0]?.code;
const setIf = (target: Json, key: string, value: unknown): void => {
  if (value !== undefined) target[key] = value;
};

class Reader {
  readonly issues: BundleIssue[] = [];
  readonly paths: Record<string, string> = {};
  private readonly byUrl = new Map<string, Entry>();
  readonly entries: Entry[] = [];

  constructor(bundle: Json) {
    arr(bundle.entry).forEach((e, i) => {
      const resource = obj(obj(e)?.resource);
      const path = `Bundle.entry[${i}].resource`;
      if (resource === undefined || str(resource.resourceType) === undefined) {
        this.issue(`Bundle.entry[${i}]`, 'structure', 'each entry must carry a resource with a resourceType');
        return;
      }
      const entry = { resource, path };
      this.entries.push(entry);
      const fullUrl = str(obj(e)?.fullUrl);
      if (fullUrl !== undefined) this.byUrl.set(fullUrl, entry);
      const id = str(resource.id);
      if (id !== undefined) this.byUrl.set(`${String(resource.resourceType)}/${id}`, entry);
    });
  }

  issue(expression: string, code: BundleIssue['code'], message: string): void {
    this.issues.push({ expression, code, message });
  }

  /** Records where a body field came from. */
  from(field: string, path: string): void {
    this.paths[field] = path;
  }

  all(type: string): Entry[] {
    return this.entries.filter((e) => e.resource.resourceType === type);
  }

  resolve(reference: unknown): Entry | undefined {
    const r = str(obj(reference)?.reference);
    if (r === undefined) return undefined;
    return this.byUrl.get(r) ?? this.byUrl.get(r.replace(/^.*\/(\w+\/[^/]+)$/, '$1'));
  }

  /** Whether a resource refers (by focus or the related-condition extension) to the given condition, or to none. */
  about(r: Json, condition: Entry | undefined): boolean {
    const targets = [
      ...arr(r.focus),
      ...arr(r.extension)
        .map(obj)
        .filter((x) => x?.url === PROFILE.relatedConditionExt)
        .map((x) => x?.valueReference),
    ];
    if (targets.length === 0) return true;
    return condition !== undefined && targets.some((t) => this.resolve(t) === condition);
  }
}

function isCancerCondition(r: Json): boolean {
  if (profiles(r).some((p) => p === PROFILE.primary || p === PROFILE.secondary)) return true;
  return codings(r.code).some(
    (c) =>
      (c.system === SYS.icd10cm && /^(C|D0)/.test(c.code)) ||
      (c.system === SYS.snomed && (SNOMED_SITES[c.code] !== undefined || c.code === SNOMED_SECONDARY)),
  );
}
const isSecondary = (r: Json): boolean =>
  profiles(r).includes(PROFILE.secondary) || has(r.code, { system: SYS.snomed, code: SNOMED_SECONDARY });
const histologyOf = (r: Json): { value: string | undefined; path: string } => {
  const i = arr(r.extension).findIndex((x) => obj(x)?.url === PROFILE.histologyExt);
  const ext = obj(arr(r.extension)[i]);
  const c = codings(ext?.valueCodeableConcept);
  const icdo = c.find((x) => x.system === SYS.icdo3)?.code;
  const snomed = c.map((x) => (x.system === SYS.snomed ? SNOMED_MORPHOLOGY[x.code] : undefined)).find(Boolean);
  return {
    value: icdo ?? snomed ?? (c.length > 0 ? (c[0].code ?? undefined) : undefined),
    path: `extension[${i}].valueCodeableConcept`,
  };
};

/** Site and side of a condition: bodySite ICD-O-3, else the ICD-10-CM code, else mapped SNOMED CT. */
function siteOf(r: Json): { site?: string; laterality?: string; path: string; unmapped?: string } {
  const bodySites = arr(r.bodySite);
  let laterality: string | undefined;
  for (const b of bodySites) {
    const lat = arr(obj(b)?.extension)
      .map(obj)
      .find((x) => x?.url === PROFILE.lateralityExt);
    const side = codings(lat?.valueCodeableConcept)[0];
    const hit = Object.entries(LATERALITY).find(([, c]) => c.code === side?.code);
    if (hit !== undefined) laterality = hit[0];
  }
  for (const [i, b] of bodySites.entries()) {
    const icdo = codings(b).find((c) => c.system === SYS.icdo3 && isTopography(c.code));
    if (icdo !== undefined) return { site: icdo.code, laterality, path: `bodySite[${i}].coding` };
  }
  const icd = codings(r.code).find((c) => c.system === SYS.icd10cm);
  if (icd !== undefined) return { site: icd.code, laterality, path: 'code.coding' };
  for (const [i, b] of bodySites.entries())
    for (const c of codings(b)) {
      const m = c.system === SYS.snomed ? SNOMED_SITES[c.code] : undefined;
      if (m !== undefined)
        return { site: m.topography, laterality: laterality ?? m.laterality, path: `bodySite[${i}].coding` };
    }
  for (const c of codings(r.code)) {
    const m = c.system === SYS.snomed ? SNOMED_SITES[c.code] : undefined;
    if (m !== undefined) return { site: m.topography, laterality: laterality ?? m.laterality, path: 'code.coding' };
  }
  const first = codings(bodySites[0])[0] ?? codings(r.code)[0];
  return {
    laterality,
    path: bodySites.length > 0 ? 'bodySite[0]' : 'code',
    unmapped: first === undefined ? undefined : `${first.system}|${first.code}`,
  };
}

/** An AJCC value from an Observation value: text, code, or a SNOMED CT "American Joint Committee on Cancer …" display. */
function stageValue(o: Json): string | undefined {
  const cc = o.valueCodeableConcept;
  const text = str(obj(cc)?.text);
  const c = codings(cc);
  const ajcc = c.find((x) => x.system === SYS.ajcc)?.code;
  const fromDisplay = c
    .map((x) => /(?:American Joint Committee on Cancer|AJCC)(?: stage)? ([0-9A-Za-z()+-]+)/i.exec(x.display ?? '')?.[1])
    .find(Boolean);
  const cleaned = (s: string | undefined): string | undefined => s?.replace(/^stage\s+/i, '').trim();
  return cleaned(text) ?? cleaned(ajcc) ?? cleaned(fromDisplay) ?? cleaned(str(o.valueString));
}

function basisOf(family: 'clinical' | 'pathological' | 'other', values: string[], codeText: string): StageBasis {
  if (family !== 'other') return family;
  const prefix = values.map((v) => /^(yc|yp|rc|rp|r)/i.exec(v)?.[1]?.toLowerCase()).find(Boolean);
  if (prefix === 'yc' || /post-therapy clinical/i.test(codeText)) return 'post_therapy_clinical';
  if (prefix === 'yp' || /post-therapy pathological/i.test(codeText)) return 'post_therapy_pathological';
  if (prefix?.startsWith('r') === true || /recurrence/i.test(codeText)) return 'recurrence';
  return 'post_therapy_pathological';
}

export function parseReferralBundle(input: unknown): ParseResult {
  const bundle = obj(input);
  if (bundle === undefined || bundle.resourceType !== 'Bundle')
    return {
      ok: false,
      issues: [
        {
          expression: bundle === undefined ? 'Bundle' : 'Bundle.resourceType',
          code: 'structure',
          message: 'a referral must be a FHIR Bundle (resourceType "Bundle") with entries',
        },
      ],
    };
  const rd = new Reader(bundle);
  if (rd.entries.length === 0) rd.issue('Bundle.entry', 'required', 'the Bundle has no entries');

  // ---- The request ----------------------------------------------------------------------------
  const requests = rd.all('ServiceRequest');
  const sr = requests.find((e) => arr(e.resource.identifier).length > 0) ?? requests[0];
  let identifier: { system: string; value: string } | undefined;
  if (sr === undefined) {
    rd.issue(
      'Bundle.entry',
      'required',
      'a referral needs a ServiceRequest: the request for a second opinion, with its identifier',
    );
  } else {
    const id = obj(arr(sr.resource.identifier)[0]);
    const system = str(id?.system);
    const value = str(id?.value);
    if (system === undefined || value === undefined)
      rd.issue(
        `${sr.path}.identifier[0]`,
        'required',
        'the ServiceRequest needs an identifier with a system and a value (it makes the import safe to repeat)',
      );
    else identifier = { system, value };
  }

  // ---- The patient ----------------------------------------------------------------------------
  const patientEntry = (sr === undefined ? undefined : rd.resolve(sr.resource.subject)) ?? rd.all('Patient')[0];
  const patientBody: Json = {};
  if (patientEntry === undefined || patientEntry.resource.resourceType !== 'Patient') {
    rd.issue(
      sr === undefined ? 'Bundle.entry' : `${sr.path}.subject`,
      'required',
      'the referral must name its patient (a Patient resource in the Bundle)',
    );
  } else {
    const p = patientEntry.resource;
    const ids = arr(p.identifier).map(obj);
    const mrnIndex = Math.max(
      0,
      ids.findIndex((i) => codings(i?.type).some((c) => c.code === 'MR')),
    );
    setIf(patientBody, 'mrn', str(ids[mrnIndex]?.value));
    rd.from('patient.mrn', `${patientEntry.path}.identifier[${mrnIndex}].value`);
    const name = obj(arr(p.name)[0]);
    const given = arr(name?.given).filter((g): g is string => typeof g === 'string');
    setIf(patientBody, 'familyName', str(name?.family) ?? str(name?.text)?.split(/\s+/).slice(-1)[0]);
    setIf(
      patientBody,
      'givenName',
      given.length > 0 ? given.join(' ') : str(name?.text)?.split(/\s+/).slice(0, -1).join(' ') || undefined,
    );
    rd.from('patient.familyName', `${patientEntry.path}.name[0].family`);
    rd.from('patient.givenName', `${patientEntry.path}.name[0].given`);
    setIf(patientBody, 'birthDate', str(p.birthDate));
    rd.from('patient.birthDate', `${patientEntry.path}.birthDate`);
    setIf(patientBody, 'sex', str(p.gender));
    rd.from('patient.sex', `${patientEntry.path}.gender`);
    arr(p.telecom).forEach((t, i) => {
      const tc = obj(t);
      if (tc?.system === 'phone' && patientBody.phone === undefined) {
        setIf(patientBody, 'phone', str(tc.value));
        rd.from('patient.phone', `${patientEntry.path}.telecom[${i}].value`);
      }
      if (tc?.system === 'email' && patientBody.email === undefined) {
        setIf(patientBody, 'email', str(tc.value));
        rd.from('patient.email', `${patientEntry.path}.telecom[${i}].value`);
      }
    });
    rd.from('patient', patientEntry.path);
  }

  // ---- Who refers -----------------------------------------------------------------------------
  const requester = sr === undefined ? undefined : rd.resolve(sr.resource.requester);
  const role = requester?.resource.resourceType === 'PractitionerRole' ? requester : undefined;
  const practitioner =
    role !== undefined
      ? rd.resolve(role.resource.practitioner)
      : requester?.resource.resourceType === 'Practitioner'
        ? requester
        : undefined;
  const organization =
    (role !== undefined ? rd.resolve(role.resource.organization) : undefined) ??
    (requester?.resource.resourceType === 'Organization' ? requester : undefined) ??
    (patientEntry === undefined ? undefined : rd.resolve(patientEntry.resource.managingOrganization)) ??
    rd
      .all('Organization')
      .find((o) => o !== undefined && !arr(sr?.resource.performer).some((p) => rd.resolve(p) === o));
  const personName = (p: Json | undefined): string | undefined => {
    const n = obj(arr(p?.name)[0]);
    if (n === undefined) return undefined;
    const text = str(n.text);
    if (text !== undefined) return text;
    const parts = [...arr(n.prefix), ...arr(n.given), n.family].filter((x): x is string => typeof x === 'string');
    return parts.length > 0 ? parts.join(' ') : undefined;
  };
  const referringClinician = personName(practitioner?.resource) ?? str(obj(sr?.resource.requester)?.display);
  const referringInstitution = str(organization?.resource.name);
  if (sr !== undefined && referringClinician === undefined)
    rd.issue(
      `${sr.path}.requester`,
      'required',
      'the ServiceRequest must name the referring clinician (requester: a Practitioner or PractitionerRole with a name)',
    );
  if (sr !== undefined && referringInstitution === undefined)
    rd.issue(
      `${sr.path}.requester`,
      'required',
      "the referring institution is missing: an Organization with a name (the requester's organization)",
    );
  rd.from('referringClinician', sr === undefined ? 'Bundle' : `${practitioner?.path ?? sr.path}.name`);
  rd.from('referringInstitution', organization === undefined ? 'Bundle' : `${organization.path}.name`);

  // ---- The diagnosis --------------------------------------------------------------------------
  const conditions = rd.all('Condition').filter((e) => {
    const v = verification(e.resource);
    return v !== 'refuted' && v !== 'entered-in-error';
  });
  // A diagnosis another one revises (Provenance entity role "revision") no longer stands.
  const revised = new Set(
    rd
      .all('Provenance')
      .flatMap((p) => arr(p.resource.entity).map(obj))
      .filter((x) => x?.role === 'revision')
      .map((x) => rd.resolve(x?.what)),
  );
  const cancers = conditions.filter((e) => isCancerCondition(e.resource) && !revised.has(e));
  const named = sr === undefined ? [] : arr(sr.resource.reasonReference).map((r) => rd.resolve(r));
  const primaries = cancers.filter((e) => !isSecondary(e.resource));
  const profiled = primaries.filter((e) => profiles(e.resource).includes(PROFILE.primary));
  const pool = profiled.length > 0 ? profiled : primaries;
  const primary = pool.find((e) => named.includes(e)) ?? pool[0];
  const benign =
    primary === undefined
      ? conditions.find((e) => {
          const h = histologyOf(e.resource).value;
          return h !== undefined && (parseMorphology(h)?.behaviour ?? 3) < 3;
        })
      : undefined;
  const dxEntry = primary ?? benign;
  const dx: Json = { malignant: primary !== undefined };
  if (dxEntry === undefined) {
    rd.issue(
      'Bundle.entry',
      'required',
      'a referral needs the referring diagnosis: a Condition (mCODE PrimaryCancerCondition) with its site',
    );
  } else {
    const site = siteOf(dxEntry.resource);
    rd.from('referringDiagnosis', dxEntry.path);
    if (site.site === undefined)
      rd.issue(
        `${dxEntry.path}.${site.path}`,
        site.unmapped === undefined ? 'required' : 'code-invalid',
        site.unmapped === undefined
          ? 'the cancer condition needs its primary site: bodySite in ICD-O-3 topography (e.g. C50.4), or code in ICD-10-CM (e.g. C50.412)'
          : `the primary site ${site.unmapped} cannot be read as an ICD-O-3 topography; send bodySite in ICD-O-3 or code in ICD-10-CM`,
      );
    setIf(dx, 'primarySite', site.site);
    rd.from('referringDiagnosis.primarySite', `${dxEntry.path}.${site.path}`);
    setIf(dx, 'laterality', site.laterality);
    rd.from('referringDiagnosis.laterality', `${dxEntry.path}.bodySite`);
    const h = histologyOf(dxEntry.resource);
    if (h.value !== undefined) {
      dx.histology = h.value;
      rd.from('referringDiagnosis.histology', `${dxEntry.path}.${h.path}`);
    }
    if (primary !== undefined) readObservations(rd, dx, primary, dxEntry);
    const additional = cancers
      .filter((e) => e !== primary)
      .map((e, i) => {
        const s = siteOf(e.resource);
        const topography =
          s.site === undefined ? undefined : isTopography(s.site) ? s.site : icd10cmToIcdo3(s.site)?.topography;
        rd.from(`referringDiagnosis.additionalCancers[${i}]`, e.path);
        rd.from(`referringDiagnosis.additionalCancers[${i}].primarySite`, `${e.path}.${s.path}`);
        const c: Json = { status: 'confirmed' };
        setIf(c, 'primarySite', topography ?? s.site);
        if (topography === undefined && s.site === undefined)
          rd.issue(
            `${e.path}.${s.path}`,
            'required',
            'each cancer condition needs its site: bodySite in ICD-O-3 topography or code in ICD-10-CM',
          );
        const ch = histologyOf(e.resource).value;
        setIf(c, 'histology', ch);
        setIf(
          c,
          'laterality',
          s.laterality ??
            (s.site === undefined || isTopography(s.site) ? undefined : icd10cmToIcdo3(s.site)?.laterality),
        );
        setIf(c, 'description', textOf(e.resource.code)?.slice(0, 300));
        return c;
      });
    if (additional.length > 0) dx.additionalCancers = additional;
  }

  // ---- History, recommendation, records ------------------------------------------------------
  const history = readHistory(rd, sr, cancers, revised);
  const recommendation = readRecommendation(rd);
  const attachments = readAttachments(rd, referringInstitution);

  const body: Json = {
    patient: patientBody,
    referringClinician,
    referringInstitution,
    reason: 'referral_expertise',
    initiator: 'physician',
    urgency: ['urgent', 'asap', 'stat'].includes(str(sr?.resource.priority) ?? '') ? 'urgent' : 'routine',
    referringDiagnosis: dx,
    referringRecommendation: { items: recommendation },
    ...(history === undefined ? {} : { history }),
  };
  if (sr !== undefined) rd.from('urgency', `${sr.path}.priority`);
  if (rd.issues.length > 0 || identifier === undefined) return { ok: false, issues: rd.issues };
  return { ok: true, referral: { identifier, body, paths: rd.paths, attachments } };
}

function readObservations(rd: Reader, dx: Json, primary: Entry, dxEntry: Entry): void {
  const observations = rd
    .all('Observation')
    .filter((e) => e.resource.status !== 'entered-in-error' && e.resource.status !== 'cancelled');
  const stages = new Map<StageBasis, Json>();
  const stagePath = new Map<StageBasis, string>();
  const biomarkers: Json[] = [];
  const others: Json[] = [];
  let edition: number | undefined;
  for (const e of observations) {
    const o = e.resource;
    if (!rd.about(o, primary)) continue;
    const codes = codings(o.code);
    const tnm = codes.map(readTnmCode).find((x) => x !== undefined);
    if (tnm !== undefined) {
      const value = stageValue(o);
      const codeText = str(obj(o.code)?.text) ?? '';
      const memberValues = arr(o.hasMember)
        .map((m) => rd.resolve(m))
        .map((m) => (m === undefined ? undefined : stageValue(m.resource)))
        .filter((v): v is string => v !== undefined);
      const basis = basisOf(tnm.family, value === undefined ? memberValues : [value, ...memberValues], codeText);
      const stage = stages.get(basis) ?? {};
      const field = tnm.key === 'group' ? 'stageGroup' : tnm.key;
      if (value === undefined) {
        rd.issue(
          `${e.path}.value`,
          'required',
          `the ${tnm.key === 'group' ? 'stage group' : `${tnm.key.toUpperCase()} category`} Observation has no value`,
        );
        continue;
      }
      stage[field] = value;
      if (tnm.key === 'group' && /\b(anatomic|prognostic)\b/i.test(codeText))
        stage.groupType = /prognostic/i.test(codeText) ? 'prognostic' : 'anatomic';
      stages.set(basis, stage);
      stagePath.set(basis, e.path);
      const stageField = {
        clinical: 'clinicalStage',
        pathological: 'pathologicalStage',
        post_therapy_clinical: 'postTherapyClinicalStage',
        post_therapy_pathological: 'postTherapyPathologicalStage',
        recurrence: 'recurrenceStage',
      }[basis];
      rd.from(`referringDiagnosis.${stageField}.${field}`, `${e.path}.valueCodeableConcept`);
      edition ??= codings(o.method)
        .map(ajccEditionOf)
        .find((x) => x !== undefined);
      continue;
    }
    const system =
      ownCode(o.code, 'staging-system') ??
      Object.entries(SYSTEM_STAGE_CODES).find(([, s]) =>
        codes.some((c) => c.system === s.code.system && c.code === s.code.code),
      )?.[0];
    if (system !== undefined) {
      const cv = codings(o.valueCodeableConcept);
      const figo = Object.entries(FIGO_VALUES).find(([, code]) => cv.some((c) => c.code === code))?.[0];
      const riss = Object.entries(RISS_VALUES).find(([, code]) => cv.some((c) => c.code === code))?.[0];
      const stage = str(obj(o.valueCodeableConcept)?.text) ?? figo ?? riss;
      if (stage === undefined || STAGING_SYSTEMS[system] === undefined) continue;
      rd.from(`referringDiagnosis.otherStages[${others.length}]`, `${e.path}.valueCodeableConcept`);
      others.push({ system, stage: stage.replace(/^stage\s+/i, '') });
      continue;
    }
    if (ownCode(o.code, 'observation') === 'resectability') {
      const r = ownCode(o.valueCodeableConcept, 'resectability');
      if (r !== undefined) dx.resectability = r;
      rd.from('referringDiagnosis.resectability', `${e.path}.valueCodeableConcept`);
      continue;
    }
    if (
      profiles(o).includes(PROFILE.grade) ||
      codes.some(
        (c) => (c.system === SYS.ncit && c.code === 'C18000') || (c.system === SYS.snomed && c.code === '385377005'),
      )
    ) {
      const text = str(obj(o.valueCodeableConcept)?.text);
      // ISUP grade group as SNOMED CT writes it: "International Society of Urological Pathology grade group 2 (…)".
      const isup = codings(o.valueCodeableConcept)
        .map((c) => /grade group ([1-5])/i.exec(c.display ?? '')?.[1])
        .find(Boolean);
      const grade =
        (text !== undefined
          ? GRADES.find((g) => g.toLowerCase() === text.toLowerCase().replace(/^grade\s+/, ''))
          : undefined) ??
        (isup === undefined ? undefined : (`GG${isup}` as (typeof GRADES)[number])) ??
        (() => {
          const band = Object.entries(GRADE_VALUE).find(([, c]) => has(o.valueCodeableConcept, c))?.[0];
          return band === 'low' ? 'G1' : band === 'intermediate' ? 'G2' : band === 'high' ? 'G3' : undefined;
        })();
      if (grade !== undefined) dx.grade = grade;
      else
        rd.issue(
          `${e.path}.valueCodeableConcept`,
          'code-invalid',
          'the histologic grade is not one Consilium reads (G1–G4, GX, low/high, ISUP GG1–GG5, WHO 1–4)',
        );
      rd.from('referringDiagnosis.grade', `${e.path}.valueCodeableConcept`);
      const gleason: Json = {};
      for (const c of arr(o.component).map(obj)) {
        const key = ownCode(c?.code, 'gleason');
        const v = num(c?.valueInteger);
        if (key !== undefined && v !== undefined) gleason[key] = v;
      }
      if (gleason.primary !== undefined && gleason.secondary !== undefined) dx.gleason = gleason;
      continue;
    }
    if (codes.some((c) => c.system === SYS.loinc && c.code === '89247-1')) {
      const answer = codings(arr(o.interpretation)[0]).find((c) => ECOG_ANSWERS.includes(c.code))?.code;
      const v = num(o.valueInteger) ?? (answer === undefined ? undefined : ECOG_ANSWERS.indexOf(answer));
      if (v !== undefined) dx.ecog = v;
      rd.from('referringDiagnosis.ecog', `${e.path}.valueInteger`);
      continue;
    }
    if (codes.some((c) => c.system === GENETIC.variantAssessment.system && c.code === GENETIC.variantAssessment.code))
      continue; // history
    if (
      profiles(o).includes(PROFILE.tumorMarker) ||
      ownCode(o.code, 'biomarker') !== undefined ||
      codes.some((c) => c.system === SYS.loinc && markerOfLoinc(c.code) !== undefined)
    ) {
      const b = readMarker(o);
      if (b === undefined) {
        rd.issue(
          `${e.path}.code`,
          'required',
          'the tumor marker test must name its marker (code.text or a LOINC code)',
        );
        continue;
      }
      // Systems that send one result per Observation (ER positive; ER 95 %) give one marker in parts: join them
      // when the parts do not overlap.
      const marker = normaliseBiomarker(b as unknown as BiomarkerInput).marker;
      const parts = Object.keys(b).filter((k) => k !== 'name' && k !== 'method');
      const same = biomarkers.findIndex(
        (x) =>
          normaliseBiomarker(x as unknown as BiomarkerInput).marker === marker &&
          parts.every((k) => x[k] === undefined),
      );
      if (same >= 0 && parts.length > 0) {
        for (const k of parts) biomarkers[same][k] = b[k];
        continue;
      }
      rd.from(`referringDiagnosis.biomarkers[${biomarkers.length}]`, e.path);
      biomarkers.push(b);
    }
  }
  const fields: Record<StageBasis, string> = {
    clinical: 'clinicalStage',
    pathological: 'pathologicalStage',
    post_therapy_clinical: 'postTherapyClinicalStage',
    post_therapy_pathological: 'postTherapyPathologicalStage',
    recurrence: 'recurrenceStage',
  };
  for (const [basis, stage] of stages) {
    dx[fields[basis]] = stage;
    rd.from(`referringDiagnosis.${fields[basis]}`, stagePath.get(basis) ?? dxEntry.path);
  }
  if (edition !== undefined && stages.size > 0) dx.ajccEdition = edition;
  if (others.length > 0) dx.otherStages = others;
  if (biomarkers.length > 0) dx.biomarkers = biomarkers;
}

/** A tumor marker test as a biomarker result. */
function readMarker(o: Json): Json | undefined {
  const codes = codings(o.code);
  const own = ownCode(o.code, 'biomarker');
  const loinc = codes.map((c) => (c.system === SYS.loinc ? markerOfLoinc(c.code) : undefined)).find(Boolean);
  // Consilium's own export names the marker as written; another system's LOINC code names it better than a
  // local lab label ("ER % positive cells").
  const name =
    own !== undefined
      ? (str(obj(o.code)?.text) ?? own)
      : (loinc?.marker ?? str(obj(o.code)?.text) ?? codes[0]?.display);
  if (name === undefined) return undefined;
  const b: Json = { name: name.slice(0, 80) };
  const q = obj(o.valueQuantity);
  const qv = num(q?.value);
  const words = (str(o.valueString) ?? textOf(o.valueCodeableConcept) ?? '').toLowerCase();
  if (own === undefined && loinc !== undefined && loinc.kind !== 'presence' && loinc.kind !== 'quantity') {
    // One part of the result per Observation: put it where the structured result keeps it.
    if (loinc.kind === 'percent' && qv !== undefined) b.percent = qv;
    if (loinc.kind === 'ishRatio' && qv !== undefined) b.ishRatio = qv;
    if (loinc.kind === 'copyNumber' && qv !== undefined) b.copyNumber = qv;
    if (loinc.kind === 'ihc') {
      const score = /\b([0-3])\s*(\+)?/.exec(words);
      if (score !== null) b.ihcScore = score[1] === '0' ? '0' : `${score[1]}+`;
      if (b.ihcScore === undefined) b.value = words;
    }
    if (loinc.kind === 'ish') {
      if (/not amplified|non-?amplified|negative/.test(words) || has(o.valueCodeableConcept, RESULT_VALUE.negative))
        b.ishResult = 'not_amplified';
      else if (/amplified|positive/.test(words) || has(o.valueCodeableConcept, RESULT_VALUE.positive))
        b.ishResult = 'amplified';
    }
    setIf(b, 'method', str(obj(o.method)?.text));
    return b;
  }
  if (qv !== undefined) {
    const unit = str(q?.unit) ?? str(q?.code);
    if (unit === '%' && loinc?.kind !== 'quantity') b.percent = qv;
    else b.value = `${qv}${unit === undefined ? '' : ` ${unit}`}`;
  }
  const cc = obj(o.valueCodeableConcept);
  if (cc !== undefined) {
    const text = str(cc.text);
    const answer =
      has(cc, RESULT_VALUE.positive) || codings(cc).some((c) => c.code === 'LA6576-8')
        ? 'positive'
        : has(cc, RESULT_VALUE.negative) || codings(cc).some((c) => c.code === 'LA6577-6')
          ? 'negative'
          : undefined;
    // Consilium writes the category as the value when no result text was given (TumorMarkerTest needs a value).
    const derived = arr(o.extension).some((x) => obj(x)?.url === VALUE_FROM_CATEGORY && obj(x)?.valueBoolean === true);
    if (!derived) setIf(b, 'value', text ?? answer ?? codings(cc)[0]?.display);
  }
  setIf(b, 'value', b.value ?? str(o.valueString));
  setIf(b, 'method', str(obj(o.method)?.text));
  for (const c of arr(o.component).map(obj)) {
    if (c === undefined) continue;
    const field =
      ownCode(c.code, 'biomarker-field') ??
      (has(c.code, GENETIC.sourceClass)
        ? 'origin'
        : has(c.code, GENETIC.aminoAcidChange) || has(c.code, GENETIC.dnaChange)
          ? 'variant'
          : undefined);
    const quantity = num(obj(c.valueQuantity)?.value);
    const s = str(c.valueString) ?? str(obj(c.valueCodeableConcept)?.text);
    switch (field) {
      case 'percent':
        setIf(b, 'percent', quantity);
        break;
      case 'ihc_score':
        setIf(b, 'ihcScore', s);
        break;
      case 'ish_ratio':
        setIf(b, 'ishRatio', quantity);
        break;
      case 'copy_number':
        setIf(b, 'copyNumber', quantity);
        break;
      case 'ish_result':
        setIf(b, 'ishResult', s);
        break;
      case 'variant':
        setIf(b, 'variant', s);
        break;
      case 'tps':
        setIf(b, 'tps', quantity);
        break;
      case 'cps':
        setIf(b, 'cps', quantity);
        break;
      case 'origin':
        setIf(
          b,
          'origin',
          has(c.valueCodeableConcept, SOURCE_CLASS.germline)
            ? 'germline'
            : has(c.valueCodeableConcept, SOURCE_CLASS.somatic)
              ? 'somatic'
              : undefined,
        );
        break;
      case 'result':
        setIf(b, 'result', s);
        break;
      case undefined:
      default:
        break;
    }
  }
  return b;
}

const ROUTES = Object.fromEntries(Object.entries(ROUTE_CODE).map(([k, v]) => [v, k]));
const RELATIVES = Object.fromEntries(Object.entries(RELATIVE_CODE).map(([k, v]) => [v, k]));
// Natural and other kin codes real systems send.
Object.assign(RELATIVES, {
  NMTH: 'mother',
  NFTH: 'father',
  NSIS: 'sister',
  NBRO: 'brother',
  DAU: 'daughter',
  SON: 'son',
  NIENEPH: 'other',
});

function readHistory(
  rd: Reader,
  sr: Entry | undefined,
  cancers: Entry[],
  revised: Set<Entry | undefined>,
): Json | undefined {
  const h: Json = {};
  const medications: Json[] = [];
  const treatments: Json[] = [];
  const drugName = (r: Json): string | undefined =>
    textOf(r.medicationCodeableConcept) ??
    str(obj(r.medicationReference)?.display) ??
    textOf(rd.resolve(r.medicationReference)?.resource.code);
  for (const e of rd.all('MedicationStatement')) {
    const m = e.resource;
    const name = drugName(m);
    if (name === undefined) {
      rd.issue(
        `${e.path}.medication[x]`,
        'required',
        'the medication must be named (medicationCodeableConcept text or coding display)',
      );
      continue;
    }
    const status = str(m.status);
    const start = dateOf(obj(m.effectivePeriod)?.start) ?? dateOf(m.effectiveDateTime);
    if (status === 'completed' || status === 'stopped') {
      rd.from(`history.treatments[${treatments.length}]`, e.path);
      const t: Json = { modality: 'systemic_therapy', drugs: [name.toLowerCase()] };
      setIf(t, 'startDate', start);
      setIf(t, 'endDate', dateOf(obj(m.effectivePeriod)?.end));
      treatments.push(t);
      continue;
    }
    if (status === 'entered-in-error') continue;
    const d = obj(arr(m.dosage)[0]);
    const dose =
      str(d?.text) ??
      (() => {
        const q = obj(obj(arr(d?.doseAndRate)[0])?.doseQuantity);
        return num(q?.value) === undefined ? undefined : `${num(q?.value)} ${str(q?.unit) ?? ''}`.trim();
      })();
    const routeCode = codings(d?.route).find((c) => c.system === SYS.snomed)?.code;
    const routeText = str(obj(d?.route)?.text)?.toLowerCase();
    const route =
      (routeCode === undefined ? undefined : ROUTES[routeCode]) ??
      (routeText !== undefined && Object.keys(ROUTE_CODE).includes(routeText) ? routeText : undefined);
    const med: Json = { name: name.slice(0, 120) };
    setIf(med, 'dose', dose?.slice(0, 80));
    setIf(med, 'route', route ?? (d?.route === undefined ? undefined : 'other'));
    setIf(med, 'frequency', str(obj(obj(d?.timing)?.code)?.text) ?? textOf(obj(d?.timing)?.code));
    setIf(med, 'startDate', start);
    rd.from(`history.medications[${medications.length}]`, e.path);
    medications.push(med);
  }
  for (const e of rd.all('MedicationAdministration')) {
    const name = drugName(e.resource);
    if (name === undefined) continue;
    const t: Json = { modality: 'systemic_therapy', drugs: [name.toLowerCase()] };
    setIf(t, 'startDate', dateOf(obj(e.resource.effectivePeriod)?.start) ?? dateOf(e.resource.effectiveDateTime));
    setIf(t, 'endDate', dateOf(obj(e.resource.effectivePeriod)?.end));
    rd.from(`history.treatments[${treatments.length}]`, e.path);
    treatments.push(t);
  }
  const extensionOf = (r: Json, name: string): Json | undefined =>
    arr(r.extension)
      .map(obj)
      .find((x) => x?.url === `${SYS.consilium.replace('CodeSystem', 'StructureDefinition')}/${name}`);
  for (const e of rd.all('Procedure')) {
    const p = e.resource;
    if (has(p.code, { system: SYS.ncit, code: 'C93304' })) continue; // a tumor board review, not a treatment
    if (p.status === 'entered-in-error' || p.status === 'not-done') continue;
    const modality =
      ownCode(p.category, 'modality') ?? (/radiat|radiotherap/i.test(textOf(p.code) ?? '') ? 'radiation' : 'surgery');
    const t: Json = {
      modality,
      drugs: arr(p.usedCode)
        .map(textOf)
        .filter((d): d is string => d !== undefined),
    };
    const regimen = arr(p.identifier)
      .map(obj)
      .find((i) => i?.system === `${SYS.consilium}/regimen`);
    setIf(t, 'regimen', str(regimen?.value));
    if (regimen === undefined && ownCode(p.category, 'modality') === undefined) setIf(t, 'notes', textOf(p.code));
    setIf(t, 'startDate', dateOf(obj(p.performedPeriod)?.start) ?? dateOf(p.performedDateTime));
    setIf(t, 'endDate', dateOf(obj(p.performedPeriod)?.end));
    setIf(t, 'line', num(extensionOf(p, 'line-of-therapy')?.valueInteger));
    setIf(t, 'setting', str(extensionOf(p, 'treatment-setting')?.valueCode));
    setIf(t, 'bestResponse', ownCode(p.outcome, 'best-response'));
    setIf(t, 'institution', str(obj(p.location)?.display));
    const note = str(obj(arr(p.note)[0])?.text);
    if (note !== undefined) t.notes = note;
    rd.from(`history.treatments[${treatments.length}]`, e.path);
    treatments.push(t);
  }
  const comorbidities: Json[] = [];
  for (const e of rd.all('Condition')) {
    const r = e.resource;
    const v = verification(r);
    if (cancers.includes(e) || isCancerCondition(r) || v === 'refuted' || v === 'entered-in-error' || revised.has(e))
      continue;
    if (histologyOf(r).value !== undefined) continue; // a benign finding of the review, not a comorbidity
    const description = textOf(r.code);
    if (description === undefined) continue;
    const c: Json = { description: description.slice(0, 300) };
    setIf(c, 'icd10cm', codings(r.code).find((x) => x.system === SYS.icd10cm)?.code);
    rd.from(`history.comorbidities[${comorbidities.length}]`, e.path);
    comorbidities.push(c);
  }
  const allergies: Json[] = [];
  for (const e of rd.all('AllergyIntolerance')) {
    const a = e.resource;
    const substance = textOf(a.code);
    // "No known allergy" (SNOMED CT 716186003, 409137002 no known drug allergy) records the absence of allergies.
    if (substance === undefined || codings(a.code).some((c) => c.system === SYS.snomed && NO_KNOWN_ALLERGY.has(c.code)))
      continue;
    if (a.verificationStatus !== undefined && codings(a.verificationStatus)[0]?.code === 'refuted') continue;
    const reaction = obj(arr(a.reaction)[0]);
    const x: Json = { substance: substance.slice(0, 120) };
    setIf(x, 'reaction', textOf(arr(reaction?.manifestation)[0]));
    const severity =
      a.criticality === 'high'
        ? 'life_threatening'
        : a.criticality === 'unable-to-assess'
          ? 'unknown'
          : str(reaction?.severity);
    setIf(x, 'severity', severity);
    rd.from(`history.allergies[${allergies.length}]`, e.path);
    allergies.push(x);
  }
  const familyHistory: Json[] = [];
  for (const e of rd.all('FamilyMemberHistory')) {
    const f = e.resource;
    const code = codings(f.relationship).find((c) => c.system === SYS.roleCode)?.code;
    const relative = (code === undefined ? undefined : RELATIVES[code]) ?? 'other';
    arr(f.condition).forEach((c, i) => {
      const condition = textOf(obj(c)?.code);
      if (condition === undefined) return;
      const x: Json = { relative, condition: condition.slice(0, 200) };
      setIf(x, 'ageAtDiagnosis', num(obj(obj(c)?.onsetAge)?.value));
      rd.from(`history.familyHistory[${familyHistory.length}]`, `${e.path}.condition[${i}]`);
      familyHistory.push(x);
    });
  }
  const geneticTests: Json[] = [];
  for (const e of rd.all('Observation')) {
    const o = e.resource;
    if (!has(o.code, GENETIC.variantAssessment)) continue;
    const comp = (code: Code): Json | undefined =>
      arr(o.component)
        .map(obj)
        .find((c) => has(c?.code, code));
    const significance = Object.entries(SIGNIFICANCE).find(([, c]) =>
      has(comp(GENETIC.significance)?.valueCodeableConcept, c),
    )?.[0];
    const absent = has(o.valueCodeableConcept, GENETIC.absent);
    const source = comp(GENETIC.sourceClass)?.valueCodeableConcept;
    const g: Json = {
      testName: (str(obj(o.method)?.text) ?? textOf(o.code) ?? 'Genetic test').slice(0, 200),
      origin: has(source, SOURCE_CLASS.somatic) ? 'somatic' : 'germline',
      result:
        significance ??
        (absent
          ? /not detected/i.test(str(obj(o.valueCodeableConcept)?.text) ?? '')
            ? 'not_detected'
            : 'negative'
          : 'vus'),
    };
    setIf(g, 'gene', textOf(comp(GENETIC.geneStudied)?.valueCodeableConcept));
    setIf(g, 'variant', textOf((comp(GENETIC.aminoAcidChange) ?? comp(GENETIC.dnaChange))?.valueCodeableConcept));
    setIf(g, 'date', dateOf(o.effectiveDateTime));
    setIf(g, 'lab', str(obj(arr(o.performer)[0])?.display));
    rd.from(`history.geneticTests[${geneticTests.length}]`, e.path);
    geneticTests.push(g);
  }
  if (medications.length > 0) h.medications = medications;
  if (treatments.length > 0) h.treatments = treatments;
  if (comorbidities.length > 0) h.comorbidities = comorbidities;
  if (allergies.length > 0) h.allergies = allergies;
  if (familyHistory.length > 0) h.familyHistory = familyHistory;
  if (geneticTests.length > 0) h.geneticTests = geneticTests;
  const question = str(obj(arr(sr?.resource.note)[0])?.text);
  if (question !== undefined) {
    h.referringQuestion = question.slice(0, 2000);
    rd.from('history.referringQuestion', `${sr!.path}.note[0].text`);
  }
  const goal = rd.all('Goal')[0];
  const goalText = str(obj(goal?.resource.description)?.text);
  if (goalText !== undefined) {
    h.patientGoals = goalText;
    rd.from('history.patientGoals', `${goal.path}.description.text`);
  }
  return Object.keys(h).length === 0 ? undefined : h;
}

function readRecommendation(rd: Reader): Json[] {
  const intentOf = (r: Json): string => {
    const ext = arr(r.extension)
      .map(obj)
      .find((x) => x?.url === PROFILE.procedureIntentExt);
    return Object.entries(INTENT).find(([, c]) => has(ext?.valueCodeableConcept, c))?.[0] ?? 'curative';
  };
  const items: Json[] = [];
  const carePlan = rd.all('CarePlan')[0];
  const requests = rd
    .all('MedicationRequest')
    .filter((e) => e.resource.status !== 'entered-in-error' && e.resource.status !== 'cancelled');
  const fromPlan = carePlan !== undefined && arr(carePlan.resource.activity).length > 0;
  const group = new Map<string, Json>();
  const pushDrug = (e: Entry): void => {
    const name = textOf(e.resource.medicationCodeableConcept) ?? str(obj(e.resource.medicationReference)?.display);
    if (name === undefined) return;
    const regimen = str(obj(e.resource.groupIdentifier)?.value);
    const key = regimen ?? str(obj(e.resource.groupIdentifier)?.value) ?? `${e.path}`;
    const existing = group.get(key);
    if (existing !== undefined && Array.isArray(existing.drugs)) {
      (existing.drugs as string[]).push(name.toLowerCase());
      return;
    }
    // A drug name goes in drugs; a regimen written out in words ("dose-dense AC x 4, then paclitaxel") is the description.
    const isName = name.length <= 60 && name.split(/\s+/).length <= 4 && !/\d|,|;|\bthen\b/i.test(name);
    const item: Json = {
      modality: 'systemic_therapy',
      intent: intentOf(e.resource),
      sequence: items.length + 1,
      ...(isName ? { drugs: [name.toLowerCase()] } : { description: name.slice(0, 500) }),
    };
    setIf(item, 'regimen', regimen);
    group.set(key, item);
    rd.from(`referringRecommendation.items[${items.length}]`, e.path);
    items.push(item);
  };
  if (fromPlan) {
    for (const a of arr(carePlan.resource.activity).map(obj)) {
      const target = rd.resolve(a?.reference);
      if (target?.resource.resourceType === 'MedicationRequest') {
        pushDrug(target);
        continue;
      }
      const detail = obj(a?.detail);
      if (detail === undefined) continue;
      const modality = ownCode(detail.code, 'modality') ?? 'surgery';
      const item: Json = { modality, intent: 'curative', sequence: items.length + 1 };
      setIf(item, 'description', str(detail.description)?.slice(0, 500));
      rd.from(`referringRecommendation.items[${items.length}]`, carePlan.path);
      items.push(item);
    }
  } else {
    for (const e of requests) pushDrug(e);
  }
  return items.slice(0, 30);
}

function readAttachments(rd: Reader, institution: string | undefined): ReferralAttachment[] {
  const out: ReferralAttachment[] = [];
  for (const e of rd.all('DocumentReference')) {
    const d = e.resource;
    if (d.status === 'entered-in-error' || d.status === 'superseded') continue;
    const loinc = codings(d.type).find((c) => c.system === SYS.loinc)?.code;
    const type = (Object.entries(DOCUMENT_TYPES).find(
      ([, codes]) => loinc !== undefined && codes.includes(loinc),
    )?.[0] ?? 'other') as RecordType;
    arr(d.content).forEach((c, i) => {
      const a = obj(obj(c)?.attachment);
      const path = `${e.path}.content[${i}].attachment`;
      const data = str(a?.data);
      if (data === undefined) {
        rd.issue(
          `${path}.data`,
          a?.url === undefined ? 'required' : 'not-supported',
          'send the document inline, base64-encoded in attachment.data (a link in attachment.url is not fetched)',
        );
        return;
      }
      const compact = data.replace(/\s+/g, '');
      if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        rd.issue(`${path}.data`, 'value', 'attachment.data is not base64');
        return;
      }
      const bytes = Buffer.from(compact, 'base64');
      if (bytes.length === 0) {
        rd.issue(`${path}.data`, 'value', 'the attached document is empty');
        return;
      }
      const custodian = rd.resolve(d.custodian);
      const author = arr(d.author)
        .map((x) => rd.resolve(x))
        .find((x) => x?.resource.resourceType === 'Organization');
      out.push({
        expression: path,
        type: RECORD_TYPES.includes(type) ? type : 'other',
        contentType: str(a?.contentType) ?? 'application/octet-stream',
        data: bytes,
        title: str(a?.title) ?? str(d.description) ?? null,
        documentDate: dateOf(d.date) ?? dateOf(a?.creation) ?? null,
        // The organisation that keeps the document, else the one that wrote it, else the referring institution.
        source:
          (
            str(custodian?.resource.name) ??
            str(obj(d.custodian)?.display) ??
            str(author?.resource.name) ??
            institution ??
            null
          )?.slice(0, 200) ?? null,
      });
    });
  }
  return out;
}
