/**
 * Whether a diagnosis is one a clinician could write: codes from the real
 * lists, notation consistent with its field, and facts consistent with each
 * other. Pure; every refusal names the field and says what is expected.
 */
import {
  canonicalMarker,
  HGVS,
  HGVS_EXPECTED,
  isKnownMarker,
  normaliseBiomarker,
  type BiomarkerInput,
} from './biomarkers.js';
import {
  icd10cmToIcdo3,
  isIcd10Cm,
  isLymphomaMorphology,
  isMorphology,
  isPairedSite,
  isTopography,
  parseMorphology,
  topographyName,
} from './codes.js';
import type { AdditionalCancer } from './comparison.js';
import {
  GRADE_SYSTEM_WORDS,
  GRADES_BY_SYSTEM,
  gradeSystem,
  isupGradeGroup,
  type Gleason,
  type Grade,
} from './grading.js';
import {
  allowedPrefixes,
  breastAnatomicGroup,
  GROUP_EXPECTED,
  groupRank,
  lessDetail,
  parseTnm,
  STAGE_BASES,
  STAGE_FIELDS,
  STAGING_SYSTEMS,
  TNM_EXPECTED,
  type ParsedTnm,
  type StageBasis,
  type SystemStage,
  type TnmStage,
} from './staging.js';

export interface FieldError {
  field: string;
  messages: string[];
}

/** An assessment as it arrives (after format checks). */
export interface DiagnosisInput {
  primarySite: string;
  histology?: string | null;
  laterality?: string | null;
  grade?: string | null;
  gleason?: Gleason | null;
  clinicalStage?: TnmStage | null;
  pathologicalStage?: TnmStage | null;
  postTherapyClinicalStage?: TnmStage | null;
  postTherapyPathologicalStage?: TnmStage | null;
  recurrenceStage?: TnmStage | null;
  otherStages?: SystemStage[] | null;
  resectability?: string | null;
  tumourSizeMm?: number | null;
  depthMm?: number | null;
  biomarkers?: BiomarkerInput[] | null;
  additionalCancers?: AdditionalCancer[] | null;
  malignant: boolean;
}

export const TOPOGRAPHY_EXPECTED =
  'an ICD-O-3 topography code such as C50.4 (C00.0–C80.9; not every number is a code) or an ICD-10-CM code such as C50.912';
export const MORPHOLOGY_EXPECTED = 'an ICD-O-3 morphology code with behaviour, such as 8500/3 (NNNN/B)';

const PREFIX_WORDS: Record<StageBasis, string> = {
  clinical: 'clinical (c or no prefix)',
  pathological: 'pathological (p; N may be cN, M may be cM0 or pM1)',
  post_therapy_clinical: 'post-therapy clinical (yc)',
  post_therapy_pathological: 'post-therapy pathological (yp)',
  recurrence: 'recurrence (r)',
};

const GYN = ['C51', 'C52', 'C53', 'C54', 'C55', 'C56', 'C57', 'C58', 'C48'];

/**
 * Maps an ICD-10-CM site (C50.912) to its ICD-O-3 topography and side; the
 * original code is kept. An ICD-O-3 code is returned as it is.
 */
export function normaliseSite(code: string): { topography: string; laterality?: string; icd10cm?: string } | undefined {
  const c = code.trim().toUpperCase();
  if (isTopography(c)) return { topography: c };
  if (!isIcd10Cm(c)) return undefined;
  const mapped = icd10cmToIcdo3(c);
  return mapped === undefined
    ? undefined
    : { topography: mapped.topography, laterality: mapped.laterality, icd10cm: c };
}

function validateStage(basis: StageBasis, s: TnmStage, site: string | null, field: string, errors: FieldError[]): void {
  const parsed: Partial<Record<'t' | 'n' | 'm', ParsedTnm>> = {};
  for (const element of ['t', 'n', 'm'] as const) {
    const v = s[element];
    if (v == null) continue;
    const p = parseTnm(element, v);
    if (p === undefined) {
      errors.push({ field: `${field}.${element}`, messages: [`${field}.${element} must be ${TNM_EXPECTED[element]}`] });
      continue;
    }
    if (!allowedPrefixes(basis, element).includes(p.prefix)) {
      errors.push({
        field: `${field}.${element}`,
        messages: [
          `${field}.${element} "${v}" has the prefix "${p.prefix}", which is not a ${PREFIX_WORDS[basis]} stage: record it under the matching stage`,
        ],
      });
      continue;
    }
    if (element === 'm' && p.prefix === 'p' && p.category === 'M0')
      errors.push({ field: `${field}.m`, messages: [`${field}.m: pM0 does not exist in AJCC staging; write cM0`] });
    parsed[element] = p;
  }
  if (s.stageGroup != null) {
    if (groupRank(s.stageGroup) === undefined) {
      errors.push({ field: `${field}.stageGroup`, messages: [`${field}.stageGroup must be ${GROUP_EXPECTED}`] });
      return;
    }
    const m = parsed.m;
    // M1 is stage IV for every AJCC site but differentiated thyroid cancer under 55 (AJCC 8 ch. 73).
    if (m?.rank !== undefined && m.rank.main >= 1 && !s.stageGroup.startsWith('IV') && !(site ?? '').startsWith('C73'))
      errors.push({
        field: `${field}.stageGroup`,
        messages: [`${field}.stageGroup must be IV (IVA, IVB…) with distant metastasis ${s.m}`],
      });
    else if (
      (site ?? '').startsWith('C50') &&
      (s.groupType ?? 'anatomic') === 'anatomic' &&
      parsed.t &&
      parsed.n &&
      m
    ) {
      const expected = breastAnatomicGroup(parsed.t, parsed.n, m);
      const given = groupRank(s.stageGroup);
      // "II" for IIA is the same stage written with less detail, not a contradiction.
      const lessDetailed = given !== undefined && expected !== undefined && lessDetail(given, groupRank(expected)!);
      if (expected !== undefined && expected !== s.stageGroup && !lessDetailed)
        errors.push({
          field: `${field}.stageGroup`,
          messages: [
            `${field}.stageGroup: ${s.t} ${s.n} ${s.m} is AJCC 8 anatomic stage ${expected}, not ${s.stageGroup} (for the prognostic stage group set groupType to prognostic)`,
          ],
        });
    }
  }
  if (s.groupType != null && s.groupType !== 'anatomic' && s.groupType !== 'prognostic')
    errors.push({ field: `${field}.groupType`, messages: [`${field}.groupType must be anatomic or prognostic`] });
}

function validateBiomarker(b: BiomarkerInput, field: string, errors: FieldError[]): void {
  const push = (f: string, m: string): void => void errors.push({ field: `${field}.${f}`, messages: [m] });
  if (!isKnownMarker(b.name))
    push(
      'name',
      `${field}.name "${b.name}" is not a marker we know; use a standard name such as ER, PR, HER2, Ki-67, PD-L1, MSI, MMR, EGFR, BRAF, KRAS, BRCA1, BRCA2`,
    );
  const pct = (f: 'percent' | 'tps' | 'cps', max: number): void => {
    const v = b[f];
    if (v != null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max))
      push(f, `${field}.${f} must be a number from 0 to ${max}`);
  };
  pct('percent', 100);
  pct('tps', 100);
  pct('cps', 100);
  if (b.ishRatio != null && (b.ishRatio < 0 || b.ishRatio > 50))
    push('ishRatio', `${field}.ishRatio must be a HER2/CEP17 ratio from 0 to 50`);
  if (b.copyNumber != null && (b.copyNumber < 0 || b.copyNumber > 100))
    push('copyNumber', `${field}.copyNumber must be the mean HER2 copies per cell, 0 to 100`);
  if (b.variant != null && !HGVS.test(b.variant)) push('variant', `${field}.variant must be ${HGVS_EXPECTED}`);
  const marker = canonicalMarker(b.name);
  const r = normaliseBiomarker(b);
  if (r.category === null && ['ER', 'PR', 'HER2', 'Ki-67', 'PD-L1', 'MSI', 'MMR'].includes(marker)) {
    const how: Record<string, string> = {
      ER: 'a percentage of stained nuclei (e.g. 90%) or negative / low positive / positive',
      PR: 'a percentage of stained nuclei (e.g. 40%) or negative / positive',
      HER2: 'an IHC score 0, 1+, 2+ or 3+, or ISH amplified / not amplified (ratio and copy number)',
      'Ki-67': 'a percentage, e.g. 25%',
      'PD-L1': 'a TPS or CPS, e.g. TPS 60%',
      MSI: 'MSI-H or MSS',
      MMR: 'dMMR (deficient) or pMMR (proficient)',
    };
    push('value', `${field}: the ${marker} result must be ${how[marker]}`);
  }
  if (r.origin === 'germline' && r.category === null)
    push('value', `${field}: a germline result must be pathogenic, likely pathogenic, VUS or negative`);
}

/** Every inconsistency in a diagnosis, each naming its field under `prefix`. */
export function validateDiagnosis(d: DiagnosisInput, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const f = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
  const site = normaliseSite(d.primarySite);
  if (site === undefined)
    errors.push({
      field: f('primarySite'),
      messages: [`${f('primarySite')} "${d.primarySite}" must be ${TOPOGRAPHY_EXPECTED}`],
    });
  const topography = site?.topography ?? null;
  // C50.912 says left: a laterality field that says otherwise contradicts the code.
  if (site?.laterality !== undefined && d.laterality != null && !['unknown', site.laterality].includes(d.laterality))
    errors.push({
      field: f('laterality'),
      messages: [`${f('laterality')} "${d.laterality}" contradicts ${d.primarySite}, which is ${site.laterality}`],
    });
  const morph = d.histology == null ? undefined : parseMorphology(d.histology);
  if (d.histology != null) {
    if (morph === undefined || !isMorphology(d.histology))
      errors.push({
        field: f('histology'),
        messages: [`${f('histology')} "${d.histology}" must be ${MORPHOLOGY_EXPECTED}`],
      });
    else if (morph.behaviour === 6)
      errors.push({
        field: f('histology'),
        messages: [
          `${f('histology')}: behaviour /6 is a metastasis, not a primary cancer; give the primary's histology (/3) and list the metastasis under additionalCancers`,
        ],
      });
    else if (morph.behaviour === 0 && d.malignant)
      errors.push({
        field: f('malignant'),
        messages: [`${f('malignant')} is true but histology ${d.histology} has behaviour /0 (benign)`],
      });
    else if ((morph.behaviour === 2 || morph.behaviour === 3) && !d.malignant)
      errors.push({
        field: f('malignant'),
        messages: [
          `${f('malignant')} is false but histology ${d.histology} has behaviour /${morph.behaviour} (${morph.behaviour === 3 ? 'malignant' : 'in situ'}); a benign finding has behaviour /0`,
        ],
      });
  }
  if (
    topography !== null &&
    topography.startsWith('C77') &&
    d.histology != null &&
    morph !== undefined &&
    !isLymphomaMorphology(d.histology)
  )
    errors.push({
      field: f('primarySite'),
      messages: [
        `${f('primarySite')}: lymph nodes (${topography}) are a primary site only for lymphomas (ICD-O-3 9590–9729); a nodal metastasis goes under additionalCancers with behaviour /6`,
      ],
    });
  if (
    d.laterality != null &&
    topography !== null &&
    !isPairedSite(topography) &&
    !['not_applicable', 'unknown'].includes(d.laterality)
  )
    errors.push({
      field: f('laterality'),
      messages: [
        `${f('laterality')}: ${topographyName(topography) ?? topography} is not a paired organ; laterality must be not_applicable`,
      ],
    });
  if (d.grade != null && topography !== null) {
    const system = gradeSystem(topography, d.histology ?? null);
    if (!(GRADES_BY_SYSTEM[system] as readonly string[]).includes(d.grade))
      errors.push({
        field: f('grade'),
        messages: [
          `${f('grade')} "${d.grade}" is not valid for ${topographyName(topography) ?? topography}: expected ${GRADE_SYSTEM_WORDS[system]}`,
        ],
      });
  }
  if (d.gleason != null) {
    const gg = isupGradeGroup(d.gleason);
    if (topography !== null && !topography.startsWith('C61'))
      errors.push({
        field: f('gleason'),
        messages: [`${f('gleason')}: the Gleason pattern applies to prostate cancer only`],
      });
    else if (gg === undefined)
      errors.push({
        field: f('gleason'),
        messages: [`${f('gleason')} must give primary and secondary Gleason patterns 3, 4 or 5`],
      });
    else if (d.grade != null && d.grade !== gg)
      errors.push({
        field: f('grade'),
        messages: [
          `${f('grade')} ${d.grade} does not match Gleason ${d.gleason.primary}+${d.gleason.secondary}, which is ${gg}`,
        ],
      });
  }
  for (const basis of STAGE_BASES) {
    const s = d[STAGE_FIELDS[basis] as keyof DiagnosisInput] as TnmStage | null | undefined;
    if (s != null) validateStage(basis, s, topography, f(STAGE_FIELDS[basis]), errors);
  }
  (d.otherStages ?? []).forEach((s, i) => {
    const field = f(`otherStages[${i}]`);
    const sys = STAGING_SYSTEMS[s.system];
    if (sys === undefined) {
      errors.push({
        field: `${field}.system`,
        messages: [`${field}.system must be one of ${Object.keys(STAGING_SYSTEMS).join(', ')}`],
      });
      return;
    }
    if (sys.parse(s.stage) === undefined)
      errors.push({ field: `${field}.stage`, messages: [`${field}.stage must be ${sys.expected}`] });
    if (s.system === 'lugano' && d.histology != null && !isLymphomaMorphology(d.histology))
      errors.push({
        field: `${field}.system`,
        messages: [
          `${field}.system: Lugano staging is for lymphomas (ICD-O-3 9590–9729); stage this cancer with AJCC TNM`,
        ],
      });
    if (s.system === 'figo' && topography !== null && !GYN.some((g) => topography.startsWith(g)))
      errors.push({
        field: `${field}.system`,
        messages: [
          `${field}.system: FIGO staging is for gynaecologic cancers (C51–C58, primary peritoneal C48); stage this cancer with AJCC TNM or its own system`,
        ],
      });
  });
  if (d.resectability != null) {
    if (STAGING_SYSTEMS.resectability.parse(d.resectability) === undefined)
      errors.push({
        field: f('resectability'),
        messages: [`${f('resectability')} must be ${STAGING_SYSTEMS.resectability.expected}`],
      });
  }
  if (d.tumourSizeMm != null && (d.tumourSizeMm < 0 || d.tumourSizeMm > 2000))
    errors.push({
      field: f('tumourSizeMm'),
      messages: [`${f('tumourSizeMm')} must be the largest tumour dimension in mm, 0–2000`],
    });
  if (d.depthMm != null) {
    if (d.depthMm < 0 || d.depthMm > 100)
      errors.push({ field: f('depthMm'), messages: [`${f('depthMm')} must be a depth in mm, 0–100`] });
    if (
      d.histology != null &&
      morph !== undefined &&
      !(Number(morph.histology) >= 8720 && Number(morph.histology) <= 8790)
    )
      errors.push({
        field: f('depthMm'),
        messages: [`${f('depthMm')}: Breslow depth applies to melanoma (8720–8790)`],
      });
  }
  (d.biomarkers ?? []).forEach((b, i) => validateBiomarker(b, f(`biomarkers[${i}]`), errors));
  (d.additionalCancers ?? []).forEach((c, i) => {
    const field = f(`additionalCancers[${i}]`);
    if (!isTopography(c.primarySite))
      errors.push({
        field: `${field}.primarySite`,
        messages: [`${field}.primarySite "${c.primarySite}" must be an ICD-O-3 topography code such as C50.9 or C77.3`],
      });
    if (c.histology != null) {
      const m = parseMorphology(c.histology);
      if (m === undefined || !isMorphology(c.histology))
        errors.push({ field: `${field}.histology`, messages: [`${field}.histology must be ${MORPHOLOGY_EXPECTED}`] });
      else if (c.primarySite.startsWith('C77') && m.behaviour !== 6 && !isLymphomaMorphology(c.histology))
        errors.push({
          field: `${field}.histology`,
          messages: [`${field}: a cancer in lymph nodes is a metastasis (behaviour /6) unless it is a lymphoma`],
        });
    }
    if (
      c.laterality != null &&
      isTopography(c.primarySite) &&
      !isPairedSite(c.primarySite) &&
      !['not_applicable', 'unknown'].includes(c.laterality)
    )
      errors.push({
        field: `${field}.laterality`,
        messages: [`${field}.laterality: ${c.primarySite} is not a paired organ`],
      });
  });
  return errors;
}

/** The grade as given, typed, once validated. */
export const asGrade = (g: string | null | undefined): Grade | null => (g == null ? null : (g as Grade));
