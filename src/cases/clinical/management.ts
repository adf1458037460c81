/**
 * Management change on the whole plan: the board's signed plan against the
 * referring doctor's recommendation, item by item as an oncologist reads
 * them (DOMAIN.md "management impact: modality, surgery type, neoadjuvant
 * sequence, trial"). Pure.
 *
 * Where an item states less (surgery, no procedure named), only what both
 * sides state can differ; procedure and regimen words in the description
 * are read as well, so "lumpectomy + SLNB" and `procedures: [lumpectomy,
 * slnb]` are the same.
 */

export const SETTINGS = [
  'neoadjuvant',
  'adjuvant',
  'perioperative',
  'definitive',
  'palliative',
  'maintenance',
] as const;
export type Setting = (typeof SETTINGS)[number];

/** A small coded list of operations, with the words that name them. */
export const PROCEDURES: Readonly<Record<string, { label: string; words: readonly string[]; group: string }>> = {
  lumpectomy: {
    label: 'lumpectomy (breast-conserving surgery)',
    words: [
      'lumpectomy',
      'breast-conserving',
      'breast conserving',
      'wide local excision of breast',
      'partial mastectomy',
      'bcs',
    ],
    group: 'breast',
  },
  mastectomy: { label: 'mastectomy', words: ['mastectomy'], group: 'breast' },
  slnb: { label: 'sentinel lymph node biopsy', words: ['slnb', 'sentinel'], group: 'axilla' },
  alnd: {
    label: 'axillary lymph node dissection',
    words: ['alnd', 'axillary dissection', 'axillary lymph node dissection'],
    group: 'axilla',
  },
  radical_prostatectomy: {
    label: 'radical prostatectomy',
    words: ['prostatectomy', 'ralp', 'rarp'],
    group: 'prostate',
  },
  pancreaticoduodenectomy: {
    label: 'pancreaticoduodenectomy (Whipple)',
    words: ['whipple', 'pancreaticoduodenectomy'],
    group: 'pancreas',
  },
  distal_pancreatectomy: { label: 'distal pancreatectomy', words: ['distal pancreatectomy'], group: 'pancreas' },
  lobectomy: { label: 'lobectomy', words: ['lobectomy'], group: 'lung' },
  segmentectomy: { label: 'segmentectomy', words: ['segmentectomy', 'wedge resection'], group: 'lung' },
  pneumonectomy: { label: 'pneumonectomy', words: ['pneumonectomy'], group: 'lung' },
  colectomy: { label: 'colectomy', words: ['colectomy', 'hemicolectomy'], group: 'colon' },
  anterior_resection: {
    label: 'anterior resection',
    words: ['anterior resection', 'total mesorectal excision', 'tme'],
    group: 'rectum',
  },
  abdominoperineal_resection: {
    label: 'abdominoperineal resection',
    words: ['abdominoperineal', 'apr'],
    group: 'rectum',
  },
  hysterectomy: {
    label: 'hysterectomy with salpingo-oophorectomy',
    words: ['hysterectomy', 'tah', 'bso'],
    group: 'gyn',
  },
  cytoreduction: { label: 'cytoreductive surgery', words: ['cytoreduct', 'debulking'], group: 'gyn' },
  wide_local_excision: {
    label: 'wide local excision',
    words: ['wide local excision', 'wle', 'wide excision'],
    group: 'skin',
  },
  limb_sparing_resection: {
    label: 'limb-sparing resection',
    words: ['limb-sparing', 'limb sparing', 'en bloc resection'],
    group: 'sarcoma',
  },
  amputation: { label: 'amputation', words: ['amputation'], group: 'sarcoma' },
};

/**
 * Common regimens (NCCN regimen names) and their drugs, so that a regimen
 * named by its acronym and one listed by drugs compare alike.
 */
export const REGIMENS: Readonly<Record<string, { label: string; drugs: readonly string[] }>> = {
  'AC-T': {
    label: 'doxorubicin + cyclophosphamide, then paclitaxel',
    drugs: ['doxorubicin', 'cyclophosphamide', 'paclitaxel'],
  },
  TC: { label: 'docetaxel + cyclophosphamide', drugs: ['docetaxel', 'cyclophosphamide'] },
  TCHP: {
    label: 'docetaxel + carboplatin + trastuzumab + pertuzumab',
    drugs: ['docetaxel', 'carboplatin', 'trastuzumab', 'pertuzumab'],
  },
  THP: { label: 'paclitaxel + trastuzumab + pertuzumab', drugs: ['paclitaxel', 'trastuzumab', 'pertuzumab'] },
  TH: { label: 'paclitaxel + trastuzumab', drugs: ['paclitaxel', 'trastuzumab'] },
  'T-DM1': { label: 'trastuzumab emtansine', drugs: ['trastuzumab emtansine'] },
  'T-DXd': { label: 'trastuzumab deruxtecan', drugs: ['trastuzumab deruxtecan'] },
  CMF: {
    label: 'cyclophosphamide + methotrexate + fluorouracil',
    drugs: ['cyclophosphamide', 'methotrexate', 'fluorouracil'],
  },
  'KEYNOTE-522': {
    label: 'pembrolizumab + carboplatin + paclitaxel, then AC',
    drugs: ['pembrolizumab', 'carboplatin', 'paclitaxel', 'doxorubicin', 'cyclophosphamide'],
  },
  FOLFOX: { label: 'leucovorin + fluorouracil + oxaliplatin', drugs: ['leucovorin', 'fluorouracil', 'oxaliplatin'] },
  CAPOX: { label: 'capecitabine + oxaliplatin', drugs: ['capecitabine', 'oxaliplatin'] },
  FOLFIRI: { label: 'leucovorin + fluorouracil + irinotecan', drugs: ['leucovorin', 'fluorouracil', 'irinotecan'] },
  FOLFIRINOX: {
    label: 'leucovorin + fluorouracil + irinotecan + oxaliplatin',
    drugs: ['leucovorin', 'fluorouracil', 'irinotecan', 'oxaliplatin'],
  },
  'gemcitabine-nab-paclitaxel': { label: 'gemcitabine + nab-paclitaxel', drugs: ['gemcitabine', 'nab-paclitaxel'] },
  ABVD: {
    label: 'doxorubicin + bleomycin + vinblastine + dacarbazine',
    drugs: ['doxorubicin', 'bleomycin', 'vinblastine', 'dacarbazine'],
  },
  'BV-AVD': {
    label: 'brentuximab vedotin + doxorubicin + vinblastine + dacarbazine',
    drugs: ['brentuximab vedotin', 'doxorubicin', 'vinblastine', 'dacarbazine'],
  },
  'R-CHOP': {
    label: 'rituximab + cyclophosphamide + doxorubicin + vincristine + prednisone',
    drugs: ['rituximab', 'cyclophosphamide', 'doxorubicin', 'vincristine', 'prednisone'],
  },
  'Pola-R-CHP': {
    label: 'polatuzumab vedotin + rituximab + cyclophosphamide + doxorubicin + prednisone',
    drugs: ['polatuzumab vedotin', 'rituximab', 'cyclophosphamide', 'doxorubicin', 'prednisone'],
  },
  AI: { label: 'doxorubicin + ifosfamide', drugs: ['doxorubicin', 'ifosfamide'] },
  'carboplatin-paclitaxel': { label: 'carboplatin + paclitaxel', drugs: ['carboplatin', 'paclitaxel'] },
  'cisplatin-pemetrexed': { label: 'cisplatin + pemetrexed', drugs: ['cisplatin', 'pemetrexed'] },
  EP: { label: 'etoposide + cisplatin', drugs: ['etoposide', 'cisplatin'] },
  ADT: { label: 'androgen deprivation therapy', drugs: ['androgen deprivation'] },
};

/** Drugs by class; a drug not listed is compared by name. */
const DRUG_CLASS: Readonly<Record<string, string>> = {
  tamoxifen: 'endocrine',
  letrozole: 'endocrine',
  anastrozole: 'endocrine',
  exemestane: 'endocrine',
  fulvestrant: 'endocrine',
  goserelin: 'endocrine',
  leuprolide: 'endocrine',
  'androgen deprivation': 'endocrine',
  abiraterone: 'endocrine',
  enzalutamide: 'endocrine',
  imatinib: 'targeted',
  sunitinib: 'targeted',
  osimertinib: 'targeted',
  palbociclib: 'targeted',
  ribociclib: 'targeted',
  abemaciclib: 'targeted',
  olaparib: 'targeted',
  trastuzumab: 'anti-HER2',
  pertuzumab: 'anti-HER2',
  'trastuzumab emtansine': 'anti-HER2',
  'trastuzumab deruxtecan': 'anti-HER2',
  pembrolizumab: 'immunotherapy',
  nivolumab: 'immunotherapy',
  rituximab: 'anti-CD20',
};

const KNOWN_DRUGS = [
  ...Object.keys(DRUG_CLASS),
  'doxorubicin',
  'cyclophosphamide',
  'paclitaxel',
  'nab-paclitaxel',
  'docetaxel',
  'carboplatin',
  'cisplatin',
  'oxaliplatin',
  'capecitabine',
  'fluorouracil',
  'leucovorin',
  'irinotecan',
  'gemcitabine',
  'bleomycin',
  'vinblastine',
  'vincristine',
  'dacarbazine',
  'prednisone',
  'ifosfamide',
  'etoposide',
  'pemetrexed',
  'methotrexate',
  'temozolomide',
  'brentuximab vedotin',
  'polatuzumab vedotin',
];

export interface PlanItem {
  modality: string;
  intent: string;
  sequence: number;
  description?: string | null;
  setting?: Setting | null;
  procedures?: readonly string[] | null;
  regimen?: string | null;
  drugs?: readonly string[] | null;
  laterality?: string | null;
  nctId?: string | null;
}

export interface CodedItem {
  modality: string;
  intent: string;
  sequence: number;
  setting: Setting | null;
  procedures: string[];
  /** Drugs, lower case, from the regimen, the drug list and the description. */
  drugs: string[];
  regimen: string | null;
  laterality: string | null;
  nctId: string | null;
}

const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();
const wordIn = (text: string, word: string): boolean =>
  new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z]|$)`).test(text);

/** Finds the regimen an item names (coded field, else its acronym in the description). */
function findRegimen(item: PlanItem): string | null {
  if (item.regimen != null) {
    const hit = Object.keys(REGIMENS).find((r) => r.toLowerCase() === item.regimen!.toLowerCase());
    return hit ?? item.regimen;
  }
  const text = item.description ?? '';
  // Longest names first, so TCHP is not read as TC.
  const names = Object.keys(REGIMENS).sort((a, b) => b.length - a.length);
  for (const r of names) {
    if (r === 'AI' || r === 'EP' || r === 'TH' || r === 'TC') {
      if (new RegExp(`(^|[^A-Za-z-])${r}([^A-Za-z-]|$)`).test(text)) return r;
    } else if (wordIn(text.toLowerCase(), r.toLowerCase())) return r;
  }
  return null;
}

/** An item with what it states coded, including what its description names. */
export function codeItem(item: PlanItem): CodedItem {
  const text = lower(item.description);
  const procedures = new Set<string>(item.procedures ?? []);
  if (item.modality === 'surgery')
    for (const [code, p] of Object.entries(PROCEDURES)) if (p.words.some((w) => wordIn(text, w))) procedures.add(code);
  // "mastectomy" is in "partial mastectomy": the breast-conserving reading wins.
  if (procedures.has('lumpectomy') && /partial mastectomy/.test(text)) procedures.delete('mastectomy');
  const regimen = findRegimen(item);
  const drugs = new Set<string>((item.drugs ?? []).map((d) => d.toLowerCase().trim()));
  if (regimen !== null) for (const d of REGIMENS[regimen]?.drugs ?? []) drugs.add(d);
  for (const d of KNOWN_DRUGS) if (wordIn(text, d)) drugs.add(d);
  if (/endocrine|hormon/.test(text) && item.modality === 'systemic_therapy' && drugs.size === 0)
    drugs.add('endocrine therapy');
  if (drugs.has('nab-paclitaxel')) drugs.delete('paclitaxel');
  let setting: Setting | null = item.setting ?? null;
  if (setting === null) for (const s of SETTINGS) if (wordIn(text, s)) setting = s;
  return {
    modality: item.modality,
    intent: item.intent,
    sequence: item.sequence,
    setting,
    procedures: [...procedures].sort(),
    drugs: [...drugs].sort(),
    regimen,
    laterality: item.laterality ?? null,
    nctId: item.nctId ?? null,
  };
}

const drugClass = (d: string): string => DRUG_CLASS[d] ?? (d === 'endocrine therapy' ? 'endocrine' : 'chemotherapy');

/**
 * When an item is given relative to surgery: its stated setting, else its
 * place in the sequence (systemic therapy or radiation before the first
 * operation is neoadjuvant, after it adjuvant; with no operation, definitive).
 */
function timing(item: CodedItem, plan: readonly CodedItem[]): Setting | null {
  if (item.setting !== null) return item.setting;
  if (item.modality !== 'systemic_therapy' && item.modality !== 'radiation') return null;
  const surgeries = plan.filter((i) => i.modality === 'surgery');
  if (surgeries.length === 0) return item.intent === 'palliative' ? 'palliative' : 'definitive';
  const first = Math.min(...surgeries.map((s) => s.sequence));
  return item.sequence < first ? 'neoadjuvant' : item.sequence > first ? 'adjuvant' : null;
}

export const TREATMENT_CHANGE_KINDS = [
  'modality_added',
  'modality_removed',
  'intent',
  'surgery_type',
  'sequence',
  'regimen',
  'trial',
  'laterality',
] as const;
export type TreatmentChangeKind = (typeof TREATMENT_CHANGE_KINDS)[number];

export interface TreatmentChange {
  kind: TreatmentChangeKind;
  modality: string;
  from: string | null;
  to: string | null;
  /** For the letter: "Surgery: lumpectomy → mastectomy". */
  text: string;
}

const MODALITY_WORDS: Record<string, string> = {
  surgery: 'Surgery',
  systemic_therapy: 'Systemic therapy',
  radiation: 'Radiation therapy',
  clinical_trial: 'Clinical trial',
  genetic_counseling: 'Genetic counselling',
  surveillance: 'Surveillance',
  supportive: 'Supportive care',
};
const mw = (m: string): string => MODALITY_WORDS[m] ?? m.replace(/_/g, ' ');
const procWords = (ps: readonly string[]): string => ps.map((p) => PROCEDURES[p]?.label ?? p).join(' + ');
const drugWords = (i: readonly CodedItem[]): string => {
  const regs = [...new Set(i.map((x) => x.regimen).filter((r): r is string => r !== null))];
  if (regs.length > 0) return regs.join(' + ');
  return [...new Set(i.flatMap((x) => x.drugs))].join(' + ') || 'unspecified';
};

/**
 * What differs between the referral's recommendation and the board's plan.
 * An empty list means the board recommends the same treatment.
 */
export function compareManagement(
  recommendation: readonly PlanItem[],
  plan: readonly PlanItem[],
  context: { lateralityChanged?: { from: string; to: string } | null } = {},
): TreatmentChange[] {
  const before = recommendation.map(codeItem);
  const after = plan.map(codeItem);
  const out: TreatmentChange[] = [];
  const modalities = [...new Set([...before, ...after].map((i) => i.modality))].filter((m) => m !== 'clinical_trial');
  for (const m of modalities) {
    const a = before.filter((i) => i.modality === m);
    const b = after.filter((i) => i.modality === m);
    if (a.length === 0) {
      out.push({ kind: 'modality_added', modality: m, from: null, to: m, text: `${mw(m)} added` });
      continue;
    }
    if (b.length === 0) {
      out.push({ kind: 'modality_removed', modality: m, from: m, to: null, text: `${mw(m)} no longer recommended` });
      continue;
    }
    const intents = (xs: CodedItem[]): string => [...new Set(xs.map((x) => x.intent))].sort().join('/');
    if (intents(a) !== intents(b))
      out.push({
        kind: 'intent',
        modality: m,
        from: intents(a),
        to: intents(b),
        text: `${mw(m)}: ${intents(a)} → ${intents(b)} intent`,
      });
    if (m === 'surgery') {
      const pa = [...new Set(a.flatMap((x) => x.procedures))].sort();
      const pb = [...new Set(b.flatMap((x) => x.procedures))].sort();
      // Only operations both sides name can differ; compared per anatomic group (breast, axilla…).
      const groups = new Set([...pa, ...pb].map((p) => PROCEDURES[p]?.group ?? p));
      for (const g of groups) {
        const ga = pa.filter((p) => (PROCEDURES[p]?.group ?? p) === g);
        const gb = pb.filter((p) => (PROCEDURES[p]?.group ?? p) === g);
        if (ga.length > 0 && gb.length > 0 && ga.join() !== gb.join())
          out.push({
            kind: 'surgery_type',
            modality: m,
            from: procWords(ga),
            to: procWords(gb),
            text: `Surgery: ${procWords(ga)} → ${procWords(gb)}`,
          });
        else if (ga.length === 0 && gb.length > 0 && pa.length > 0)
          out.push({
            kind: 'surgery_type',
            modality: m,
            from: null,
            to: procWords(gb),
            text: `Surgery: ${procWords(gb)} added`,
          });
        else if (gb.length === 0 && ga.length > 0 && pb.length > 0)
          out.push({
            kind: 'surgery_type',
            modality: m,
            from: procWords(ga),
            to: null,
            text: `Surgery: ${procWords(ga)} no longer recommended`,
          });
      }
    }
    if (m === 'systemic_therapy' || m === 'radiation') {
      // Sequence is timing relative to surgery; palliative and maintenance are intent and regimen, reported as such.
      const relative = (s: Setting | null): s is Setting => s !== null && s !== 'palliative' && s !== 'maintenance';
      const ta = [...new Set(a.map((x) => timing(x, before)).filter(relative))].sort();
      const tb = [...new Set(b.map((x) => timing(x, after)).filter(relative))].sort();
      if (ta.length > 0 && tb.length > 0 && ta.join() !== tb.join())
        out.push({
          kind: 'sequence',
          modality: m,
          from: ta.join('/'),
          to: tb.join('/'),
          text: `${mw(m)}: ${ta.join('/')} → ${tb.join('/')}`,
        });
    }
    if (m === 'systemic_therapy') {
      const da = [...new Set(a.flatMap((x) => x.drugs))].sort();
      const db = [...new Set(b.flatMap((x) => x.drugs))].sort();
      const classes = (ds: string[]): string => [...new Set(ds.map(drugClass))].sort().join();
      // Both name drugs and they differ (by regimen, drug or class).
      if (da.length > 0 && db.length > 0 && (da.join() !== db.join() || classes(da) !== classes(db)))
        out.push({
          kind: 'regimen',
          modality: m,
          from: drugWords(a),
          to: drugWords(b),
          text: `Systemic therapy: ${drugWords(a)} → ${drugWords(b)}`,
        });
    }
    const la = [...new Set(a.map((x) => x.laterality).filter((l): l is string => l !== null))];
    const lb = [...new Set(b.map((x) => x.laterality).filter((l): l is string => l !== null))];
    if (la.length > 0 && lb.length > 0 && la.sort().join() !== lb.sort().join())
      out.push({
        kind: 'laterality',
        modality: m,
        from: la.join('/'),
        to: lb.join('/'),
        text: `${mw(m)}: ${la.join('/')} → ${lb.join('/')} side`,
      });
  }
  // Local treatment follows a corrected side, even where the items name none.
  const lat = context.lateralityChanged;
  if (lat != null && !out.some((c) => c.kind === 'laterality')) {
    const local = after.filter((i) => i.modality === 'surgery' || i.modality === 'radiation').map((i) => i.modality);
    for (const m of [...new Set(local)])
      out.push({
        kind: 'laterality',
        modality: m,
        from: lat.from,
        to: lat.to,
        text: `${mw(m)}: ${lat.from} → ${lat.to} side`,
      });
  }
  const trials = (xs: CodedItem[]): string[] =>
    [...new Set(xs.map((x) => x.nctId).filter((n): n is string => n !== null))].sort();
  const ta = trials(before);
  const tb = trials(after);
  if (ta.join() !== tb.join())
    out.push({
      kind: 'trial',
      modality: 'clinical_trial',
      from: ta.join(', ') || null,
      to: tb.join(', ') || null,
      text:
        tb.length === 0
          ? `Clinical trial ${ta.join(', ')} no longer recommended`
          : `Clinical trial ${tb.join(', ')}${ta.length === 0 ? ' added' : ` instead of ${ta.join(', ')}`}`,
    });
  return out;
}
