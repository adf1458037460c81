import type { Schemas } from '../api/client.js';
import { ICDO3_SITES } from '../../cases/clinical/data/icdo3-topography.js';
import { Button } from '../ui/button.js';
import { Field, Fieldset, SelectField } from '../ui/field.js';
import { zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import {
  CONSENSUS_WORDS,
  DISCIPLINES,
  disciplineWords,
  RECORD_TYPE_WORDS,
  RECORD_TYPES,
  type ConsensusRule,
  type Discipline,
  type RecordType,
} from './words.js';

export type ClinicBody = Schemas['ClinicBodyDto'];

/** What a new clinic starts with: a working day, nothing chosen for the admin beyond that. */
export const newClinicBody = (timeZone: string): ClinicBody => ({
  name: '',
  timeZone,
  dayStart: '08:00',
  dayEnd: '17:00',
  cancerTypes: [],
  requiredDisciplines: [],
  precedence: [],
  requiredRecordTypes: [],
  readinessRules: [],
  quorumDisciplines: [],
  consensusRule: 'unanimous_required_disciplines',
});

/** The editable part of a clinic as read. */
export const bodyOf = (c: Schemas['ClinicResponseDto']): ClinicBody => ({
  name: c.name,
  timeZone: c.timeZone,
  dayStart: c.dayStart,
  dayEnd: c.dayEnd,
  cancerTypes: c.cancerTypes,
  requiredDisciplines: c.requiredDisciplines,
  precedence: c.precedence,
  requiredRecordTypes: c.requiredRecordTypes,
  readinessRules: c.readinessRules,
  quorumDisciplines: c.quorumDisciplines,
  consensusRule: c.consensusRule,
});

const siteOf = (code: string): string | undefined => (ICDO3_SITES as Record<string, string>)[code.slice(0, 3)];

/** "C50 Breast", "C18-C21 Colon to Anus, NOS" for a site, code or range. */
export function cancerTypeWords(pattern: string): string {
  const [from, to] = pattern.split('-');
  const a = from === undefined ? undefined : siteOf(from);
  const b = to === undefined ? undefined : siteOf(to);
  if (to === undefined) return a === undefined ? pattern : `${pattern} ${a}`;
  return a === undefined || b === undefined ? pattern : `${pattern} ${a} to ${b}`;
}

let zones: { value: string; label: string }[] | undefined;
/** Every IANA zone this browser knows, with its short name now ("America/Denver (MST)"). */
function zoneOptions(current: string): { value: string; label: string }[] {
  zones ??= Intl.supportedValuesOf('timeZone').map((z) => ({
    value: z,
    label: `${z.replace(/_/g, ' ')} (${zoneLabel(z)})`,
  }));
  return zones.some((z) => z.value === current) || current === ''
    ? zones
    : [{ value: current, label: `${current} (${zoneLabel(current)})` }, ...zones];
}

const FIELD_WORDS: [RegExp, string][] = [
  [/\bdayStart\b/g, 'the start of the day'],
  [/\bdayEnd\b/g, 'the end of the day'],
  [/\bcancerTypes\b/g, 'cancer types'],
  [/\brequiredDisciplines\b/g, 'required disciplines'],
  [/\bprecedence\[(\d+)\]\.(before|after)\b/g, 'this'],
  [/\bprecedence\b/g, 'order rules'],
  [/\bquorumDisciplines\b/g, 'quorum disciplines'],
];

/** The server's field messages about a clinic, with its field names in words. */
export function clinicErrors(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, FIELD_WORDS.reduce((m, [re, w]) => m.replace(re, w), v)]),
  );
}

/** The server's messages for a field and everything under it (`requiredDisciplines[2].minutes`). */
export function errorsUnder(errors: Record<string, string>, prefix: string): string | undefined {
  const found = Object.entries(errors)
    .filter(([k]) => k === prefix || k.startsWith(`${prefix}[`) || k.startsWith(`${prefix}.`))
    .map(([, v]) => v);
  return found.length === 0 ? undefined : found.join('; ');
}

const FieldsetError = (props: { id: string; text: string | undefined }) =>
  props.text === undefined ? null : html`<p id=${props.id} class="error" role="alert">${props.text}</p>`;

/** A checkbox in a table cell: a full touch target, named for screen readers by its row and column. */
function CellCheck(props: { label: string; checked: boolean; onInput: (v: boolean) => void; disabled?: boolean }) {
  return html`<label class="cell-check">
    <input
      type="checkbox"
      checked=${props.checked}
      disabled=${props.disabled}
      onChange=${(e: Event) => props.onInput((e.target as HTMLInputElement).checked)}
    />
    <span class="sr-only">${props.label}</span>
  </label>`;
}

/**
 * A clinic's settings and rules: its day in its own time zone, the cancers it
 * takes, the disciplines a case needs (and how long each sees the patient),
 * the records that must be in before a case is ready, the board's quorum and
 * consensus rule, and which discipline sees the patient before which.
 */
export function ClinicForm(props: {
  value: ClinicBody;
  onChange: (v: ClinicBody) => void;
  errors: Record<string, string>;
}) {
  const v = props.value;
  const set = (patch: Partial<ClinicBody>): void => props.onChange({ ...v, ...patch });
  const e = props.errors;
  const required = (d: Discipline) => v.requiredDisciplines.find((r) => r.discipline === d);
  const setRequired = (d: Discipline, patch: Partial<Schemas['RequiredDisciplineDto']> | null): void => {
    const others = v.requiredDisciplines.filter((r) => r.discipline !== d);
    if (patch === null) {
      // A discipline no longer required leaves the order rules that named it.
      set({
        requiredDisciplines: others,
        precedence: v.precedence.filter((p) => p.before !== d && p.after !== d),
      });
      return;
    }
    const current = required(d) ?? { discipline: d, minutes: 30, patientAttends: true };
    const next = [...others, { ...current, ...patch }];
    set({ requiredDisciplines: DISCIPLINES.flatMap((x) => next.filter((r) => r.discipline === x)) });
  };
  const toggle = <T>(list: T[], item: T, on: boolean, order: readonly T[]): T[] =>
    order.filter((x) => (x === item ? on : list.includes(x)));
  const rule = (t: RecordType) => v.readinessRules.find((r) => r.recordType === t);
  const setRule = (t: RecordType, days: string): void => {
    const others = v.readinessRules.filter((r) => r.recordType !== t);
    const n = Number(days);
    const next = days.trim() === '' || !Number.isFinite(n) ? others : [...others, { recordType: t, maxAgeDays: n }];
    set({ readinessRules: RECORD_TYPES.flatMap((x) => next.filter((r) => r.recordType === x)) });
  };
  const requiredOptions = v.requiredDisciplines.map((r) => ({
    value: r.discipline,
    label: disciplineWords(r.discipline),
  }));
  const chosenSites = new Set(v.cancerTypes);
  const siteOptions = Object.entries(ICDO3_SITES as Record<string, string>)
    .filter(([code]) => !chosenSites.has(code))
    .map(([code, name]) => ({ value: code, label: `${code} ${name}` }));
  return html`<div class="clinic-form">
    <div class="field-row">
      ${Field({ label: 'Name', name: 'clinic-name', value: v.name, onInput: (x) => set({ name: x }), required: true, error: e.name })}
      ${SelectField({
        label: 'Time zone',
        name: 'clinic-zone',
        value: v.timeZone,
        onInput: (x) => set({ timeZone: x }),
        options: zoneOptions(v.timeZone),
        hint: 'Every time of this clinic is shown and planned in this zone.',
        required: true,
        error: e.timeZone,
      })}
    </div>
    <div class="field-row">
      ${Field({
        label: `Day starts (${v.timeZone === '' ? 'clinic time' : zoneLabel(v.timeZone)})`,
        name: 'clinic-day-start',
        type: 'time',
        value: v.dayStart,
        onInput: (x) => set({ dayStart: x }),
        required: true,
        error: e.dayStart,
      })}
      ${Field({
        label: `Day ends (${v.timeZone === '' ? 'clinic time' : zoneLabel(v.timeZone)})`,
        name: 'clinic-day-end',
        type: 'time',
        value: v.dayEnd,
        onInput: (x) => set({ dayEnd: x }),
        required: true,
        error: e.dayEnd,
      })}
    </div>

    <${Fieldset}
      legend="Cancer types it takes"
      hint="ICD-O-3 primary sites; referrals for these sites come to this clinic."
    >
      ${
        v.cancerTypes.length === 0
          ? html`<p class="muted">None chosen yet.</p>`
          : html`<ul class="chosen-list">
              ${v.cancerTypes.map(
                (c) =>
                  html`<li key=${c}>
                    <span>${cancerTypeWords(c)}</span>
                    <${Button}
                      variant="quiet"
                      label=${`Remove ${cancerTypeWords(c)}`}
                      onClick=${() => set({ cancerTypes: v.cancerTypes.filter((x) => x !== c) })}
                      >Remove<//
                    >
                  </li>`,
              )}
            </ul>`
      }
      <div class="field-row">
        ${SelectField({
          label: 'Add a site',
          name: 'clinic-add-site',
          value: '',
          onInput: (x) => x !== '' && set({ cancerTypes: [...v.cancerTypes, x] }),
          options: siteOptions,
          placeholder: 'Choose a site…',
          error: errorsUnder(e, 'cancerTypes'),
        })}
      </div>
    <//>

    <${Fieldset}
      legend="Disciplines"
      hint="A case sees each required discipline for the minutes given. Quorum: who must be at the board for it to decide."
    >
      <div class="table-wrap">
        <table class="rules-table">
          <thead>
            <tr>
              <th scope="col">Discipline</th>
              <th scope="col">Required</th>
              <th scope="col">Minutes with the patient</th>
              <th scope="col">Patient attends</th>
              <th scope="col">Counts for quorum</th>
            </tr>
          </thead>
          <tbody>
            ${DISCIPLINES.map((d) => {
              const r = required(d);
              const name = disciplineWords(d);
              return html`<tr key=${d}>
                <th scope="row">${name}</th>
                <td>
                  <${CellCheck}
                    label=${`${name} required`}
                    checked=${r !== undefined}
                    onInput=${(on: boolean) => setRequired(d, on ? {} : null)}
                  />
                </td>
                <td>
                  <label class="sr-only" for=${`minutes-${d}`}>${name}: minutes with the patient</label>
                  <input
                    id=${`minutes-${d}`}
                    class="num"
                    type="number"
                    inputmode="numeric"
                    min="5"
                    max="480"
                    step="5"
                    disabled=${r === undefined}
                    value=${r === undefined ? '' : String(r.minutes)}
                    onInput=${(ev: Event) => setRequired(d, { minutes: Number((ev.target as HTMLInputElement).value) })}
                  />
                </td>
                <td>
                  <${CellCheck}
                    label=${`${name}: patient attends`}
                    checked=${r?.patientAttends ?? false}
                    disabled=${r === undefined}
                    onInput=${(on: boolean) => setRequired(d, { patientAttends: on })}
                  />
                </td>
                <td>
                  <${CellCheck}
                    label=${`${name} counts for quorum`}
                    checked=${v.quorumDisciplines.includes(d)}
                    onInput=${(on: boolean) => set({ quorumDisciplines: toggle(v.quorumDisciplines, d, on, DISCIPLINES) })}
                  />
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <${FieldsetError}
        id="clinic-disciplines-error"
        text=${errorsUnder(e, 'requiredDisciplines') ?? errorsUnder(e, 'quorumDisciplines')}
      />
    <//>

    <${Fieldset}
      legend="Order of visits"
      hint="A discipline that must see the patient before another (pathology before medical oncology, for example)."
    >
      ${v.precedence.map(
        (p, i) =>
          html`<div class="field-row precedence-row" key=${i}>
            ${SelectField({
              label: `Rule ${i + 1}: first`,
              name: `precedence-${i}-before`,
              value: p.before,
              onInput: (x) =>
                set({ precedence: v.precedence.map((q, j) => (j === i ? { ...q, before: x as Discipline } : q)) }),
              options: requiredOptions,
              error: errorsUnder(e, `precedence[${i}].before`) ?? (e[`precedence[${i}]`] as string | undefined),
            })}
            ${SelectField({
              label: `Rule ${i + 1}: then`,
              name: `precedence-${i}-after`,
              value: p.after,
              onInput: (x) =>
                set({ precedence: v.precedence.map((q, j) => (j === i ? { ...q, after: x as Discipline } : q)) }),
              options: requiredOptions,
              error: errorsUnder(e, `precedence[${i}].after`),
            })}
            <div class="actions">
              <${Button}
                variant="quiet"
                label=${`Remove rule ${i + 1}`}
                onClick=${() => set({ precedence: v.precedence.filter((_, j) => j !== i) })}
                >Remove<//
              >
            </div>
          </div>`,
      )}
      ${v.precedence.length === 0 ? html`<p class="muted">No order: the specialists are seen in any order.</p>` : null}
      <${FieldsetError} id="clinic-precedence-error" text=${e.precedence} />
      <div class="actions">
        <${Button}
          disabled=${v.requiredDisciplines.length < 2}
          onClick=${() => {
            const [a, b] = v.requiredDisciplines;
            if (a !== undefined && b !== undefined)
              set({ precedence: [...v.precedence, { before: a.discipline, after: b.discipline }] });
          }}
          >Add an order rule<//
        >
        ${v.requiredDisciplines.length < 2 ? html`<span class="hint">Needs two required disciplines.</span>` : null}
      </div>
    <//>

    <${Fieldset}
      legend="Records before a case is ready"
      hint="Records a case must have before it can be scheduled, and how old each may be at most."
    >
      <div class="table-wrap">
        <table class="rules-table">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Required</th>
              <th scope="col">At most this many days old</th>
            </tr>
          </thead>
          <tbody>
            ${RECORD_TYPES.map((t) => {
              const name = RECORD_TYPE_WORDS[t];
              const r = rule(t);
              return html`<tr key=${t}>
                <th scope="row">${name}</th>
                <td>
                  <${CellCheck}
                    label=${`${name} required`}
                    checked=${v.requiredRecordTypes.includes(t)}
                    onInput=${(on: boolean) => set({ requiredRecordTypes: toggle(v.requiredRecordTypes, t, on, RECORD_TYPES) })}
                  />
                </td>
                <td>
                  <label class="sr-only" for=${`age-${t}`}>${name}: at most this many days old</label>
                  <input
                    id=${`age-${t}`}
                    class="num"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="3650"
                    placeholder="Any age"
                    value=${r === undefined ? '' : String(r.maxAgeDays)}
                    onInput=${(ev: Event) => setRule(t, (ev.target as HTMLInputElement).value)}
                  />
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <${FieldsetError}
        id="clinic-records-error"
        text=${errorsUnder(e, 'requiredRecordTypes') ?? errorsUnder(e, 'readinessRules')}
      />
    <//>

    <div class="field-row">
      ${SelectField({
        label: 'Consensus rule',
        name: 'clinic-consensus',
        value: v.consensusRule,
        onInput: (x) => set({ consensusRule: x as ConsensusRule }),
        options: (Object.keys(CONSENSUS_WORDS) as ConsensusRule[]).map((k) => ({
          value: k,
          label: CONSENSUS_WORDS[k],
        })),
        hint: 'When the board’s plan counts as agreed.',
        error: e.consensusRule,
      })}
    </div>
  </div>`;
}
