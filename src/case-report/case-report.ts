/**
 * The second-opinion report: its content (`CaseReport`), the one section
 * model both the HTML and the PDF are built from, the patient's summary in
 * plain words, and the HTML. Pure: no Nest, no database.
 */
import { DateTime } from 'luxon';
import { morphologyName, topographyName } from '../cases/clinical/codes.js';

export type ReportConcordance = 'concordant' | 'minor' | 'major';
export type ReportImpact = 'none' | 'potential' | 'changed';
export type TrialEligibility = 'eligible' | 'possibly_eligible' | 'not_eligible';
export type ReportPlanStatus = 'draft' | 'proposed' | 'signed';

export interface ReportDiagnosis {
  /** ICD-O-3 topography code, e.g. C50.4. */
  primarySite: string | null;
  /** ICD-O-3 morphology with behaviour, e.g. 8500/3. */
  histology: string | null;
  laterality: string | null;
  /** The grade as written, e.g. "G2" or "ISUP grade group 2 (Gleason 3+4=7)". */
  grade: string | null;
  /** Each recorded stage labelled by its basis, e.g. "Clinical: cT2 cN1 cM0, group IIB (anatomic)". */
  stages: string[];
  biomarkers: { name: string; value: string }[];
  additionalCancers: { primarySite: string; histology?: string | null; description?: string | null }[];
  malignant: boolean;
}

export interface ReportItem {
  sequence: number;
  modality: string;
  intent: string;
  description?: string | null;
  nctId?: string | null;
}

export interface ReportSigner {
  name: string;
  /** What the signer signed as, e.g. "Chair of the tumor board". */
  role: string;
  /** The signer's disciplines, e.g. ["medical_oncology"]. */
  disciplines: string[];
}

export interface CaseReport {
  patient: { name: string; mrn: string; /** YYYY-MM-DD */ birthDate: string };
  referringClinician: string;
  referringInstitution: string;
  clinic: { name: string; /** IANA, e.g. Europe/Warsaw */ timeZone: string };
  /** When the letter was produced (ISO instant). */
  generatedAt: string;
  referring: ReportDiagnosis | null;
  board: ReportDiagnosis | null;
  change: {
    concordance: ReportConcordance;
    changeTypes: string[];
    managementImpact: ReportImpact;
    /** A clinician's sentence per difference, e.g. "HER2: low (IHC 1+) → positive (IHC 3+)". */
    details: string[];
    /** What the board's plan changes against the referral's, e.g. "Surgery: lumpectomy → mastectomy". */
    treatmentChanges: string[];
  } | null;
  /** The signed plan, else the latest draft or proposed one. */
  plan: {
    status: ReportPlanStatus;
    number: number;
    items: ReportItem[];
    summary: string | null;
    /** ISO instant, when signed. */
    signedAt: string | null;
    signer: ReportSigner | null;
  } | null;
  referringRecommendation: ReportItem[];
  dissent: { discipline: string; vote: string; comment: string | null }[];
  trials: { nctId: string; title: string; phase: string; eligibility: TrialEligibility }[];
}

const WRITTEN_FAMILY_FIRST = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/** The patient's name as written: family name first and unspaced for Chinese, Japanese and Korean names. */
export function patientDisplayName(given: string, family: string): string {
  const g = given.trim();
  const f = family.trim();
  if (WRITTEN_FAMILY_FIRST.test(g) && WRITTEN_FAMILY_FIRST.test(f)) return `${f}${g}`;
  return [g, f].filter((x) => x !== '').join(' ');
}

/**
 * A trial match as the letter lists it: the matcher's own status when it
 * gives one; else eligible only with every criterion met, possibly eligible
 * when none failed but some are unknown.
 */
export function trialEligibility(match: { eligible: boolean; unknown: number; status?: unknown }): TrialEligibility {
  const s = match.status;
  if (s === 'eligible' || s === 'possibly_eligible' || s === 'not_eligible') return s;
  if (!match.eligible) return 'not_eligible';
  return match.unknown > 0 ? 'possibly_eligible' : 'eligible';
}

// ---------------------------------------------------------------- the section model

export type ReportBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'steps'; items: { number: number; text: string }[] }
  | { kind: 'table'; head: string[]; rows: string[][][] }
  | { kind: 'banner'; text: string };

export interface ReportSection {
  id: string;
  heading: string;
  level: 1 | 2;
  /** Starts a new page in the PDF. */
  newPage: boolean;
  blocks: ReportBlock[];
}

export interface ReportModel {
  title: string;
  clinicName: string;
  /** The patient identity printed on every page: name, MRN, birth date. */
  identity: { name: string; mrn: string; birthDate: string };
  dateLine: string;
  /** The DRAFT banner while no plan is signed; null once signed. */
  draft: string | null;
  sections: ReportSection[];
}

const words = (s: string): string => s.replace(/_/g, ' ');
const capitalise = (s: string): string => (s.length === 0 ? s : s[0].toUpperCase() + s.slice(1));

const MODALITY_WORDS: Record<string, string> = {
  surgery: 'Surgery',
  systemic_therapy: 'Systemic therapy',
  radiation: 'Radiation therapy',
  clinical_trial: 'Clinical trial',
  genetic_counseling: 'Genetic counselling',
  surveillance: 'Surveillance',
  supportive: 'Supportive care',
};
const PLAIN_MODALITY: Record<string, string> = {
  surgery: 'an operation',
  systemic_therapy: 'medicines against the cancer',
  radiation: 'radiation therapy',
  clinical_trial: 'a clinical study',
  genetic_counseling: 'a talk with a genetic counsellor',
  surveillance: 'regular check-ups',
  supportive: 'care to ease symptoms',
};

const CHANGE_WORDS: Record<string, string> = {
  malignancy: 'whether the growth is cancer',
  primary_site: 'where the cancer started',
  histology: 'the type of cancer cells',
  grade: 'how fast the cancer cells look like they grow (grade)',
  stage: 'how far the cancer has spread (stage)',
  biomarker: 'markers tested on the cancer cells',
  laterality: 'which side of the body is affected',
  additional_cancer: 'another cancer or spread that was not known before',
  germline_finding: 'an inherited gene change',
};

const CONCORDANCE_WORDS: Record<ReportConcordance, string> = {
  concordant: 'concordant (no difference from the referral)',
  minor: 'minor discordance (differs; management unchanged)',
  major: 'major discordance (management changes)',
};
const IMPACT_WORDS: Record<ReportImpact, string> = {
  none: 'none',
  potential: 'potential (may change management)',
  changed: 'changed',
};

/** "C50.4 Upper-outer quadrant of breast", or the bare code while its name is unknown. */
export function siteWithName(code: string): string {
  const name = topographyName(code);
  return name === undefined ? code : `${code} ${name}`;
}

/** "8500/3 Infiltrating duct carcinoma, NOS", or the bare code while its name is unknown. */
export function histologyWithName(code: string): string {
  const name = morphologyName(code);
  return name === undefined ? code : `${code} ${name}`;
}

/** Plan steps numbered 1, 2, 3… in display order; items sharing a sequence are given together. */
export function numberSteps(items: readonly ReportItem[]): { number: number; item: ReportItem; together: number[] }[] {
  const ordered = items.map((item, i) => ({ item, i })).sort((a, b) => a.item.sequence - b.item.sequence || a.i - b.i);
  const numbered = ordered.map(({ item }, i) => ({ number: i + 1, item }));
  return numbered.map((s) => ({
    ...s,
    together: numbered.filter((o) => o !== s && o.item.sequence === s.item.sequence).map((o) => o.number),
  }));
}

function stepText(item: ReportItem, together: number[]): string {
  const modality = MODALITY_WORDS[item.modality] ?? capitalise(words(item.modality));
  const parts = [`${modality} (${words(item.intent)} intent)`];
  if (item.description != null && item.description !== '') parts.push(item.description);
  if (item.nctId != null && item.nctId !== '') parts.push(`trial ${item.nctId}`);
  const with_ =
    together.length === 0
      ? ''
      : ` (given together with step${together.length > 1 ? 's' : ''} ${together.join(' and ')})`;
  return parts.join(' — ') + with_;
}

function steps(items: readonly ReportItem[]): ReportBlock {
  return {
    kind: 'steps',
    items: numberSteps(items).map((s) => ({ number: s.number, text: stepText(s.item, s.together) })),
  };
}

/** An instant in the clinic's time zone, labelled: "1 December 2026, 14:05 Europe/Warsaw (UTC+01:00)". */
export function formatInstant(iso: string, timeZone: string): string {
  let t = DateTime.fromISO(iso, { zone: timeZone });
  if (!t.isValid) t = DateTime.fromISO(iso, { zone: 'UTC' });
  return `${t.setLocale('en-GB').toFormat('d LLLL yyyy, HH:mm')} ${t.zoneName ?? 'UTC'} (UTC${t.toFormat('ZZ')})`;
}

/** A calendar date in the clinic's time zone: "2 December 2026". */
export function formatDate(iso: string, timeZone: string): string {
  let t = DateTime.fromISO(iso, { zone: timeZone });
  if (!t.isValid) t = DateTime.fromISO(iso, { zone: 'UTC' });
  return t.setLocale('en-GB').toFormat('d LLLL yyyy');
}

/** The cell lines for one row of the diagnosis table. */
function diagnosisRows(referring: ReportDiagnosis | null, board: ReportDiagnosis | null): string[][][] {
  const none = ['—'];
  const cell = (d: ReportDiagnosis | null, f: (d: ReportDiagnosis) => string[]): string[] => {
    if (d === null) return ['Not recorded'];
    const lines = f(d);
    return lines.length === 0 ? none : lines;
  };
  const malignancy = (d: ReportDiagnosis, isBoard: boolean): string[] => [
    d.malignant ? 'Malignant' : isBoard ? 'Not malignant (benign on review)' : 'Not malignant',
  ];
  const rows: [string, (d: ReportDiagnosis) => string[], (d: ReportDiagnosis) => string[]][] = [
    ['Primary site', (d) => (d.primarySite === null ? [] : [siteWithName(d.primarySite)]), () => []],
    ['Laterality', (d) => (d.laterality === null ? [] : [capitalise(words(d.laterality))]), () => []],
    ['Histology', (d) => (d.histology === null ? [] : [histologyWithName(d.histology)]), () => []],
    ['Malignancy', (d) => malignancy(d, false), (d) => malignancy(d, true)],
    ['Grade', (d) => (d.grade === null ? [] : [d.grade]), () => []],
    ['Stage', (d) => d.stages, () => []],
    ['Biomarkers', (d) => d.biomarkers.map((b) => `${b.name} ${b.value}`), () => []],
  ];
  const out = rows.map(([label, f, boardF]) => {
    const forBoard = (d: ReportDiagnosis): string[] => (label === 'Malignancy' ? boardF(d) : f(d));
    return [[label], cell(referring, f), cell(board, forBoard)];
  });
  const cancers = (d: ReportDiagnosis): string[] =>
    d.additionalCancers.map(
      (c) =>
        c.description ??
        [siteWithName(c.primarySite), c.histology == null ? null : histologyWithName(c.histology)]
          .filter((x): x is string => x !== null)
          .join(', '),
    );
  if ((referring?.additionalCancers.length ?? 0) + (board?.additionalCancers.length ?? 0) > 0)
    out.push([['Additional cancers'], cell(referring, cancers), cell(board, cancers)]);
  return out;
}

const isBenign = (r: CaseReport): boolean => r.board !== null && !r.board.malignant;
const isSigned = (r: CaseReport): boolean => r.plan?.status === 'signed';

/** The DRAFT banner, or null once the plan is signed. */
export function draftBanner(r: CaseReport): string | null {
  if (isSigned(r)) return null;
  if (r.plan === null)
    return 'DRAFT — the board has not yet agreed a plan. This letter is not yet the board’s signed recommendation.';
  return `DRAFT — plan version ${r.plan.number} is ${r.plan.status === 'proposed' ? 'proposed' : 'a draft'} and not yet signed. It is not yet the board’s signed recommendation and may change.`;
}

function signerRole(s: ReportSigner): string {
  const disciplines = s.disciplines.map((d) => capitalise(words(d)));
  return [s.role, ...disciplines].join(', ');
}

/** The report as sections: the one model the HTML and the PDF are both built from. */
export function reportModel(r: CaseReport): ReportModel {
  const tz = r.clinic.timeZone;
  const draft = draftBanner(r);
  const benign = isBenign(r);
  const p = r.patient;

  const diagnosis: ReportBlock[] = [
    { kind: 'table', head: ['', 'Your diagnosis', 'The board’s diagnosis'], rows: diagnosisRows(r.referring, r.board) },
  ];
  if (r.change === null) diagnosis.push({ kind: 'paragraph', text: 'The board has not yet recorded its diagnosis.' });
  else {
    const types = r.change.changeTypes.length === 0 ? '' : ` Changed: ${r.change.changeTypes.map(words).join(', ')}.`;
    diagnosis.push({
      kind: 'paragraph',
      text: `Concordance: ${CONCORDANCE_WORDS[r.change.concordance]}.${types} Management impact: ${IMPACT_WORDS[r.change.managementImpact]}.`,
    });
    if (benign && r.referring?.malignant === true)
      diagnosis.push({ kind: 'paragraph', text: 'On review the board found no malignancy: the lesion is benign.' });
    if (r.change.details.length > 0)
      diagnosis.push({ kind: 'subheading', text: 'What differs' }, { kind: 'list', items: r.change.details });
  }

  const plan: ReportBlock[] = [];
  if (r.plan === null) plan.push({ kind: 'paragraph', text: 'The board has not yet proposed a plan.' });
  else {
    if (draft !== null) plan.push({ kind: 'banner', text: draft });
    plan.push(
      r.plan.items.length === 0 ? { kind: 'paragraph', text: 'No treatment steps listed.' } : steps(r.plan.items),
    );
    if (r.plan.summary !== null && r.plan.summary !== '') plan.push({ kind: 'paragraph', text: r.plan.summary });
  }
  if (r.change !== null && r.change.treatmentChanges.length > 0)
    plan.push(
      { kind: 'subheading', text: 'Changes from your recommendation' },
      { kind: 'list', items: r.change.treatmentChanges },
    );

  const eligible = r.trials.filter((t) => t.eligibility === 'eligible');
  const possible = r.trials.filter((t) => t.eligibility === 'possibly_eligible');
  const trialLine = (t: CaseReport['trials'][number]): string => `${t.nctId} (phase ${t.phase}) ${t.title}`;
  const trials: ReportBlock[] = [];
  if (benign) trials.push({ kind: 'paragraph', text: 'Not applicable: the board found no malignancy.' });
  else if (eligible.length === 0 && possible.length === 0)
    trials.push({ kind: 'paragraph', text: 'No open trial matched.' });
  else {
    if (eligible.length > 0)
      trials.push(
        { kind: 'subheading', text: 'Options: the patient meets every criterion we could check' },
        { kind: 'list', items: eligible.map(trialLine) },
      );
    if (possible.length > 0)
      trials.push(
        { kind: 'subheading', text: 'To be checked: possibly eligible (some criteria are not known from the records)' },
        { kind: 'list', items: possible.map(trialLine) },
      );
  }

  const signature: ReportBlock[] = [];
  if (r.plan !== null && r.plan.status === 'signed') {
    const when = r.plan.signedAt === null ? 'at a time not recorded' : `on ${formatInstant(r.plan.signedAt, tz)}`;
    signature.push({
      kind: 'paragraph',
      text:
        r.plan.signer === null
          ? `Signed for the multidisciplinary tumor board ${when} (signer not recorded).`
          : `Signed for the multidisciplinary tumor board by ${r.plan.signer.name}, ${signerRole(r.plan.signer)}, ${when}.`,
    });
  } else
    signature.push({
      kind: 'paragraph',
      text: 'Not signed. The plan in this letter is a draft and is not yet the board’s signed recommendation.',
    });

  const sections: ReportSection[] = [
    {
      id: 'letter',
      heading: `Second opinion for ${p.name}`,
      level: 1,
      newPage: false,
      blocks: [
        { kind: 'paragraph', text: `Re: ${p.name}, MRN ${p.mrn}, born ${p.birthDate}` },
        { kind: 'paragraph', text: `Dear ${r.referringClinician} (${r.referringInstitution}),` },
        {
          kind: 'paragraph',
          text: 'Thank you for referring your patient. Our multidisciplinary tumor board reviewed the records, saw the patient, and agreed the following.',
        },
      ],
    },
    { id: 'diagnosis', heading: 'Diagnosis', level: 2, newPage: false, blocks: diagnosis },
    {
      id: 'recommendation',
      heading: 'Your recommendation',
      level: 2,
      newPage: false,
      blocks:
        r.referringRecommendation.length === 0
          ? [{ kind: 'paragraph', text: 'None recorded.' }]
          : [steps(r.referringRecommendation)],
    },
    { id: 'plan', heading: 'The board’s consensus plan', level: 2, newPage: false, blocks: plan },
    {
      id: 'dissent',
      heading: 'Dissent',
      level: 2,
      newPage: false,
      blocks:
        r.dissent.length === 0
          ? [{ kind: 'paragraph', text: 'None recorded.' }]
          : [
              {
                kind: 'list',
                items: r.dissent.map(
                  (d) =>
                    `${capitalise(words(d.discipline))}: ${words(d.vote)}${d.comment === null ? '' : ` — ${d.comment}`}`,
                ),
              },
            ],
    },
    { id: 'trials', heading: 'Clinical trial options', level: 2, newPage: false, blocks: trials },
    { id: 'signature', heading: 'Signature', level: 2, newPage: false, blocks: signature },
    {
      id: 'summary',
      heading: 'For you: a summary in plain words',
      level: 1,
      newPage: true,
      blocks: [`Dear ${p.name},`, ...plainSummary(r)].map((text): ReportBlock => ({ kind: 'paragraph', text })),
    },
  ];
  return {
    title: `Second opinion — ${p.name}`,
    clinicName: r.clinic.name,
    identity: { name: p.name, mrn: p.mrn, birthDate: p.birthDate },
    dateLine: `Date: ${formatDate(r.generatedAt, tz)}`,
    draft,
    sections,
  };
}

const andList = (xs: readonly string[]): string =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/** "Surgery: lumpectomy → mastectomy" in plain words: "surgery: mastectomy instead of lumpectomy". */
function plainChange(s: string): string {
  const m = /^(.*?):\s*(.+?)\s*→\s*(.+)$/.exec(s);
  return m === null ? s : `${m[1].toLowerCase()}: ${m[3]} instead of ${m[2]}`;
}

function plainPlan(items: readonly ReportItem[]): string {
  const groups = new Map<number, string[]>();
  for (const s of numberSteps(items)) {
    const text = s.item.description ?? PLAIN_MODALITY[s.item.modality] ?? words(s.item.modality);
    groups.set(s.item.sequence, [...(groups.get(s.item.sequence) ?? []), text]);
  }
  return [...groups.values()].map((g) => g.join(' together with ')).join(', then ');
}

/** The patient's summary in plain words: what the board found and what it changes, truthfully. */
export function plainSummary(r: CaseReport): string[] {
  const out: string[] = [];
  const c = r.change;
  const benign = isBenign(r);
  if (r.board === null || c === null) out.push('The board has not yet recorded its diagnosis.');
  else if (benign) {
    out.push('The board found that the growth is not cancer.');
    if (r.referring?.malignant === true)
      out.push(
        'This is different from the diagnosis you were first given. Your doctor will explain what it means for you.',
      );
  } else {
    const diagnosisChanged = c.changeTypes.length > 0;
    const treatmentChanged = c.treatmentChanges.length > 0 || c.managementImpact === 'changed';
    if (!diagnosisChanged) {
      if (treatmentChanged) out.push('The board agrees with the diagnosis but recommends a different treatment.');
      else if (c.managementImpact === 'potential')
        out.push(
          'The board agrees with the diagnosis you were given. Its review may change your treatment; your doctor will discuss it with you.',
        );
      else out.push('The board agrees with the diagnosis you were given.');
    } else {
      out.push(
        `The board looked again at your records and found a difference in ${andList(c.changeTypes.map((t) => CHANGE_WORDS[t] ?? words(t)))}.`,
      );
      switch (c.managementImpact) {
        case 'changed':
          out.push('Because of this, the treatment the board recommends is different from the one first suggested.');
          break;
        case 'potential':
          out.push('This may change your treatment; your doctor will discuss it with you.');
          break;
        case 'none':
          out.push(
            c.treatmentChanges.length === 0
              ? 'This does not change the treatment that was first suggested.'
              : 'The board also suggests some changes to the treatment.',
          );
          break;
      }
    }
    if (c.treatmentChanges.length > 0)
      out.push(`What is different: ${c.treatmentChanges.map(plainChange).join('; ')}.`);
  }
  if (r.plan !== null && r.plan.items.length > 0) {
    const what = benign ? 'The next steps the board recommends' : 'The recommended treatment';
    out.push(
      isSigned(r)
        ? `${what}, in order: ${plainPlan(r.plan.items)}.`
        : `The board has not signed its plan yet, so it may still change. The plan being discussed, in order: ${plainPlan(r.plan.items)}.`,
    );
  } else if (!isSigned(r)) out.push('The board has not agreed a plan yet.');
  if (!benign) {
    if (r.trials.some((t) => t.eligibility === 'eligible'))
      out.push('There are clinical studies you may be able to join; ask your doctor about them.');
    else if (r.trials.some((t) => t.eligibility === 'possibly_eligible'))
      out.push('Your doctor will check whether you can join some clinical studies.');
  }
  if (r.dissent.length > 0)
    out.push('Not every specialist agreed on every point; your doctor can explain the different views.');
  return out;
}

// ---------------------------------------------------------------- HTML

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function blockHtml(b: ReportBlock): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p>${esc(b.text)}</p>`;
    case 'subheading':
      return `<h3>${esc(b.text)}</h3>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'steps':
      return `<ol>${b.items.map((i) => `<li value="${i.number}">${esc(i.text)}</li>`).join('')}</ol>`;
    case 'banner':
      return `<p class="draft" role="note"><strong>${esc(b.text)}</strong></p>`;
    case 'table':
      return `<table><thead><tr>${b.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map(
          (row) =>
            `<tr>${row.map((lines, i) => (i === 0 ? `<th scope="row">${lines.map(esc).join('<br>')}</th>` : `<td>${lines.map(esc).join('<br>')}</td>`)).join('')}</tr>`,
        )
        .join('')}</tbody></table>`;
  }
}

/** The report as one HTML page, every user text escaped. */
export function reportHtml(r: CaseReport): string {
  const m = reportModel(r);
  const id = m.identity;
  const sections = m.sections
    .map(
      (s) =>
        `<section id="${s.id}" aria-labelledby="${s.id}-h"><h${s.level} id="${s.id}-h">${esc(s.heading)}</h${s.level}>${s.blocks.map(blockHtml).join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(m.title)}</title>
<style>body{font-family:"Noto Sans","Noto Naskh Arabic","Noto Sans SC",system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;color:#111}header{border-bottom:1px solid #999;margin-bottom:1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}.draft{border:2px solid #b00;color:#b00;padding:.5rem;background:#fff4f4}.identity{font-weight:600}section#summary{margin-top:2rem;border-top:2px solid #999}</style>
</head><body>
<header><p>${esc(m.clinicName)} — ${esc(m.dateLine)}</p><p class="identity">Patient: <bdi>${esc(id.name)}</bdi> · MRN ${esc(id.mrn)} · Born ${esc(id.birthDate)}</p></header>
${m.draft === null ? '' : `<p class="draft" role="alert"><strong>${esc(m.draft)}</strong></p>\n`}${sections}
</body></html>
`;
}
