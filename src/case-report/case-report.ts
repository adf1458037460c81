/** The second-opinion report's content, and its HTML. Pure. */

export interface ReportDiagnosis {
  primarySite: string | null;
  histology: string | null;
  laterality: string | null;
  grade: string | null;
  stage: string | null;
  biomarkers: { name: string; value: string }[];
  additionalCancers: { primarySite: string; histology?: string; description?: string }[];
  malignant: boolean;
}

export interface CaseReport {
  patientName: string;
  referringClinician: string;
  referringInstitution: string;
  clinicName: string;
  date: string;
  referring: ReportDiagnosis | null;
  board: ReportDiagnosis | null;
  change: { concordance: string; changeTypes: string[]; managementImpact: string } | null;
  plan: {
    items: { sequence: number; modality: string; intent: string; description?: string; nctId?: string }[];
    summary: string | null;
    signedAt: string;
  } | null;
  referringRecommendation: { sequence: number; modality: string; intent: string; description?: string }[];
  dissent: { discipline: string; vote: string; comment: string | null }[];
  trials: { nctId: string; title: string; phase: string; eligible: boolean }[];
}

const words = (s: string): string => s.replace(/_/g, ' ');

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

export function diagnosisLines(d: ReportDiagnosis | null): string[] {
  if (d === null) return ['not recorded'];
  return [
    `Site ${d.primarySite ?? '—'}${d.laterality === null ? '' : ` (${d.laterality})`}`,
    `Histology ${d.histology ?? '—'}${d.malignant ? '' : ', not malignant'}`,
    `Grade ${d.grade ?? '—'}`,
    `Stage ${d.stage ?? '—'}`,
    `Biomarkers ${d.biomarkers.map((b) => `${b.name} ${b.value}`).join(', ') || '—'}`,
    ...(d.additionalCancers.length === 0
      ? []
      : [
          `Additional cancers: ${d.additionalCancers.map((c) => c.description ?? `${c.primarySite} ${c.histology ?? ''}`).join('; ')}`,
        ]),
  ];
}

/** The patient's summary in plain words. */
export function plainSummary(r: CaseReport): string[] {
  const out: string[] = [];
  if (r.change === null) out.push('The board has not yet recorded its diagnosis.');
  else if (r.change.concordance === 'concordant') out.push('The board agrees with the diagnosis you were given.');
  else
    out.push(
      `The board looked again at your records and found a difference in ${r.change.changeTypes.map((t) => CHANGE_WORDS[t] ?? words(t)).join(', ')}.`,
      r.change.managementImpact === 'changed'
        ? 'Because of this, the treatment the board recommends is different from the one first suggested.'
        : 'This does not change the treatment that was first suggested.',
    );
  if (r.plan !== null)
    out.push(
      `The recommended treatment, in order: ${r.plan.items.map((i) => words(i.description ?? i.modality)).join(', then ')}.`,
    );
  if (r.trials.some((t) => t.eligible))
    out.push('There are clinical studies you may be able to join; ask your doctor about them.');
  if (r.dissent.length > 0)
    out.push('Not every specialist agreed on every point; your doctor can explain the different views.');
  return out;
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function reportHtml(r: CaseReport): string {
  const list = (items: string[]): string => `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  const plan =
    r.plan === null
      ? '<p>No plan has been signed yet.</p>'
      : `<ol>${r.plan.items
          .map(
            (i) =>
              `<li>${esc(words(i.modality))} (${esc(i.intent)})${i.description === undefined ? '' : ` — ${esc(i.description)}`}${i.nctId === undefined ? '' : ` — trial ${esc(i.nctId)}`}</li>`,
          )
          .join(
            '',
          )}</ol>${r.plan.summary === null ? '' : `<p>${esc(r.plan.summary)}</p>`}<p>Signed ${esc(r.plan.signedAt)}.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Second opinion — ${esc(r.patientName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}</style>
</head><body>
<header><p>${esc(r.clinicName)} — ${esc(r.date)}</p></header>
<section aria-labelledby="letter"><h1 id="letter">Second opinion for ${esc(r.patientName)}</h1>
<p>Dear ${esc(r.referringClinician)} (${esc(r.referringInstitution)}),</p>
<p>Thank you for referring your patient. Our multidisciplinary tumor board reviewed the records, saw the patient, and agreed the following.</p>
<h2>Diagnosis</h2>
<table><thead><tr><th>Your diagnosis</th><th>The board's diagnosis</th></tr></thead>
<tbody><tr><td>${list(diagnosisLines(r.referring))}</td><td>${list(diagnosisLines(r.board))}</td></tr></tbody></table>
<p>${r.change === null ? 'No board diagnosis yet.' : `Concordance: <strong>${esc(r.change.concordance)}</strong>${r.change.changeTypes.length === 0 ? '' : ` — changed: ${esc(r.change.changeTypes.map(words).join(', '))}`}; management impact: ${esc(r.change.managementImpact)}.`}</p>
<h2>Your recommendation</h2>${list(r.referringRecommendation.map((i) => `${i.sequence}. ${words(i.modality)} (${i.intent})${i.description === undefined ? '' : ` — ${i.description}`}`))}
<h2>The board's consensus plan</h2>${plan}
<h2>Dissent</h2>${r.dissent.length === 0 ? '<p>None recorded.</p>' : list(r.dissent.map((d) => `${words(d.discipline)}: ${words(d.vote)}${d.comment === null ? '' : ` — ${d.comment}`}`))}
<h2>Clinical trial options</h2>${r.trials.length === 0 ? '<p>None found.</p>' : list(r.trials.map((t) => `${t.nctId} (phase ${t.phase}) ${t.title}${t.eligible ? '' : ' — criteria not all met'}`))}
</section>
<section aria-labelledby="summary"><h1 id="summary">For you: a summary in plain words</h1>${list(plainSummary(r))}</section>
</body></html>
`;
}
