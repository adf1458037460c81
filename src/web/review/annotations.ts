import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { morphologyWithName } from '../ui/codes.js';
import { Field, SelectField, TextAreaField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, FINDING_TYPE_WORDS, labelOf, optionsOf } from '../ui/labels.js';
import { fieldErrors } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { TOOL_HINTS, TOOL_WORDS, type Tool } from './annotation-layer.js';
import { onPage, pageOfSelector, type Place, type W3CSelector } from './shapes.js';

export type AnnotationRow = Schemas['AnnotationResponseDto'];

/** The newest version of each annotation (the others are kept, never shown as current). */
export function currentVersions(all: readonly AnnotationRow[]): AnnotationRow[] {
  const amended = new Set(all.map((a) => a.supersedesId).filter((id): id is string => id !== null));
  return all.filter((a) => !amended.has(a.id));
}

/** The page an annotation is on (PDF), if any. */
export const pageOfAnnotation = (a: AnnotationRow): number | undefined =>
  pageOfSelector(a.selector as W3CSelector | null) ?? a.anchor.page;

export const GRADES = ['G1', 'G2', 'G3', 'G4', 'GX', 'low', 'high', 'GG1', 'GG2', 'GG3', 'GG4', 'GG5'];
const MARGINS: Record<string, string> = {
  negative: 'Negative (clear)',
  close: 'Close',
  positive: 'Positive (involved)',
};
const VALUE_WORDS: Record<string, string> = {
  histology: 'Histology',
  grade: 'Grade',
  marker: 'Marker',
  value: 'Result',
  status: 'Margin',
  distanceMm: 'Distance (mm)',
  positive: 'Positive nodes',
  examined: 'Nodes examined',
  sizeMm: 'Size (mm)',
};

/** A finding's coded values in words: "Histology 8520/3 Lobular carcinoma, NOS". */
export function valuesInWords(a: Pick<AnnotationRow, 'findingType' | 'values'>): string {
  const order = Object.keys(VALUE_WORDS);
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(a.values)
    .sort(([x], [y]) => rank(x) - rank(y))
    .map(([k, v]) => {
      const text =
        k === 'histology' ? morphologyWithName(String(v)) : k === 'status' ? labelOf(MARGINS, String(v)) : String(v);
      return `${VALUE_WORDS[k] ?? k} ${text}`;
    })
    .join(' · ');
}

/** The drawing tools, for a pathologist or radiologist. */
export function ToolBar(props: { tool: Tool | null; onTool: (t: Tool | null) => void; disabled?: boolean }) {
  const tools: Tool[] = ['point', 'rectangle', 'polygon', 'freehand'];
  return html`<div class="viewer-tools anno-tools" role="toolbar" aria-label="Draw on the record">
    <span class="muted">Mark a finding:</span>
    ${tools.map(
      (t) =>
        html`<button
          type="button"
          class=${`btn ${props.tool === t ? 'btn-primary' : 'btn-quiet'}`}
          aria-pressed=${props.tool === t ? 'true' : 'false'}
          disabled=${props.disabled}
          onClick=${() => props.onTool(props.tool === t ? null : t)}
        >
          ${TOOL_WORDS[t]}
        </button>`,
    )}
    ${props.tool === null ? null : html`<span class="hint" aria-live="polite">${TOOL_HINTS[props.tool]}</span>`}
  </div>`;
}

type Values = Record<string, string>;

/** The coded values each finding type takes (the server checks them against the clinical model). */
function ValueFields(props: {
  type: string;
  values: Values;
  set: (k: string, v: string) => void;
  errors: Record<string, string>;
}) {
  const v = (k: string) => props.values[k] ?? '';
  const err = (k: string) => props.errors[`values.${k}`];
  switch (props.type) {
    case 'histologic_type':
      return html`<${Field}
        label="Histology (ICD-O-3 morphology)"
        name="values.histology"
        value=${v('histology')}
        required=${true}
        hint=${v('histology') === '' ? 'e.g. 8520/3 for lobular carcinoma' : morphologyWithName(v('histology'))}
        error=${err('histology')}
        onInput=${(x: string) => props.set('histology', x.trim())}
      />`;
    case 'grade':
      return html`<${SelectField}
        label="Grade"
        name="values.grade"
        value=${v('grade')}
        placeholder="Choose…"
        required=${true}
        options=${GRADES.map((g) => ({ value: g, label: g }))}
        error=${err('grade')}
        onInput=${(x: string) => props.set('grade', x)}
      />`;
    case 'receptor_status':
      return html`<div class="grid-2">
        <${Field}
          label="Marker"
          name="values.marker"
          value=${v('marker')}
          required=${true}
          hint="ER, PR, HER2, Ki-67, PD-L1…"
          error=${err('marker')}
          onInput=${(x: string) => props.set('marker', x.trim())}
        />
        <${Field}
          label="Result"
          name="values.value"
          value=${v('value')}
          required=${true}
          hint="e.g. 3+, positive (90%)"
          error=${err('value')}
          onInput=${(x: string) => props.set('value', x)}
        />
      </div>`;
    case 'margins':
      return html`<div class="grid-2">
        <${SelectField}
          label="Margin"
          name="values.status"
          value=${v('status')}
          placeholder="Choose…"
          options=${optionsOf(MARGINS)}
          error=${err('status')}
          onInput=${(x: string) => props.set('status', x)}
        />
        <${Field}
          label="Closest distance (mm)"
          name="values.distanceMm"
          type="number"
          value=${v('distanceMm')}
          error=${err('distanceMm')}
          onInput=${(x: string) => props.set('distanceMm', x)}
        />
      </div>`;
    case 'lymph_nodes':
      return html`<div class="grid-2">
        <${Field}
          label="Positive nodes"
          name="values.positive"
          type="number"
          min="0"
          value=${v('positive')}
          error=${err('positive')}
          onInput=${(x: string) => props.set('positive', x)}
        />
        <${Field}
          label="Nodes examined"
          name="values.examined"
          type="number"
          min="0"
          value=${v('examined')}
          error=${err('examined')}
          onInput=${(x: string) => props.set('examined', x)}
        />
      </div>`;
    case 'tumor_size':
      return html`<${Field}
        label="Size (mm)"
        name="values.sizeMm"
        type="number"
        min="0"
        value=${v('sizeMm')}
        error=${err('sizeMm')}
        onInput=${(x: string) => props.set('sizeMm', x)}
      />`;
    default:
      return null;
  }
}

const NUMERIC = new Set(['distanceMm', 'positive', 'examined', 'sizeMm']);

/**
 * The finding attached to a drawn place (or an amendment of one): its type,
 * coded values and note. Saved as a new annotation, or a new version.
 */
export function FindingForm(props: {
  caseId: string;
  recordId: string;
  /** A new place (with its PDF page), or the annotation being amended. */
  place?: { place: Place; page: number | undefined };
  amending?: AnnotationRow;
  discipline: string;
  onDone: (saved: AnnotationRow | undefined) => void;
}) {
  const start = props.amending;
  const [type, setType] = useState<string>(
    start?.findingType ?? (props.discipline === 'radiology' ? 'imaging_finding' : 'histologic_type'),
  );
  const [values, setValues] = useState<Values>(
    Object.fromEntries(Object.entries(start?.values ?? {}).map(([k, v]) => [k, String(v)])),
  );
  const [text, setText] = useState(start?.text ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async (): Promise<void> => {
    const coded = Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, NUMERIC.has(k) ? Number(v) : v]),
    ) as Record<string, string | number>;
    const p = props.place;
    const finding = { findingType: type as AnnotationRow['findingType'], values: coded, text };
    try {
      let saved: AnnotationRow;
      if (start !== undefined) {
        saved = await ok(
          client.POST('/api/cases/{id}/annotations/{annotationId}/amendments', {
            params: { path: { id: props.caseId, annotationId: start.id } },
            body: {
              ...finding,
              anchor: start.anchor,
              ...(start.selector === null ? {} : { selector: start.selector }),
            },
          }),
        );
      } else if (p !== undefined) {
        const { box, centre, selector } = p.place;
        const region = { x: Math.max(0, box.x), y: Math.max(0, box.y), width: box.width, height: box.height };
        const anchor =
          p.page === undefined
            ? { kind: 'slide' as const, x: Math.max(0, centre.x), y: Math.max(0, centre.y), region }
            : { kind: 'page' as const, page: p.page, region };
        saved = await ok(
          client.POST('/api/cases/{id}/annotations', {
            params: { path: { id: props.caseId } },
            body: {
              ...finding,
              recordId: props.recordId,
              anchor,
              selector: p.page === undefined ? selector : onPage(p.page, selector),
            },
          }),
        );
      } else return;
      toastSuccess(start === undefined ? 'Finding saved on the record.' : `Finding amended: version ${saved.version}.`);
      props.onDone(saved);
    } catch (e) {
      const fields = fieldErrors(e);
      setErrors(Object.keys(fields).length > 0 ? fields : { text: String((e as Error).message ?? e) });
    }
  };
  return html`<form
    class="card finding-form"
    aria-labelledby="finding-h"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      void save();
    }}
  >
    <h3 id="finding-h">
      ${start === undefined ? 'The finding here' : `Amend: a new version after version ${start.version}`}
    </h3>
    <${SelectField}
      label="Finding"
      name="findingType"
      value=${type}
      required=${true}
      options=${optionsOf(FINDING_TYPE_WORDS)}
      error=${errors.findingType}
      onInput=${(x: string) => {
        setType(x);
        setValues({});
      }}
    />
    <${ValueFields}
      type=${type}
      values=${values}
      errors=${errors}
      set=${(k: string, v: string) => setValues({ ...values, [k]: v })}
    />
    <${TextAreaField}
      label="Note"
      name="text"
      value=${text}
      required=${true}
      hint="What you see here, as you would write it in the report."
      error=${errors.text}
      onInput=${setText}
    />
    ${
      errors.selector === undefined && errors.anchor === undefined
        ? null
        : html`<p class="error" role="alert">${errors.selector ?? errors.anchor}</p>`
    }
    <div class="actions">
      <${Button} variant="primary" type="submit">${start === undefined ? 'Save finding' : 'Save new version'}<//>
      <${Button} variant="quiet" onClick=${() => props.onDone(undefined)}>Cancel<//>
    </div>
  </form>`;
}

/**
 * The annotations of a record: each finding with its author's discipline,
 * time and version; "Show" opens the record at its place; a reviewer may
 * amend (a new version; the old one stays).
 */
export function AnnotationList(props: {
  all: readonly AnnotationRow[];
  timeZone: string;
  selected: string | undefined;
  nameOf?: (userId: string | null) => string;
  onShow: (a: AnnotationRow) => void;
  onAmend?: ((a: AnnotationRow) => void) | undefined;
  /** Whether this reviewer may amend it (within the author's discipline). */
  canAmend?: (a: AnnotationRow) => boolean;
}) {
  const current = currentVersions(props.all);
  if (current.length === 0)
    return html`<p class="muted" data-testid="annotation-list">No findings marked on this record yet.</p>`;
  return html`<ol class="annotation-list" data-testid="annotation-list" aria-label="Findings on this record">
    ${current.map((a) => {
      const page = pageOfAnnotation(a);
      const by = props.nameOf?.(a.authorId);
      const meta = (x: AnnotationRow): string =>
        [
          `${by === undefined ? '' : `${by}, `}${labelOf(DISCIPLINE_WORDS, x.authorDiscipline)}`,
          dateTime(x.createdAt, props.timeZone),
          `version ${x.version}${x.supersedesId === null ? '' : ' (amended)'}`,
          ...(page === undefined ? [] : [`page ${page}`]),
        ].join(' · ');
      return html`<li
        class=${`annotation-item${a.id === props.selected ? ' is-selected' : ''}`}
        data-annotation=${a.id}
      >
        <p class="annotation-head">
          <strong>${labelOf(FINDING_TYPE_WORDS, a.findingType)}</strong>
          ${a.values !== undefined && Object.keys(a.values).length > 0 ? html`<span> — ${valuesInWords(a)}</span>` : null}
        </p>
        <p class="annotation-text">${a.text}</p>
        <p class="muted annotation-meta">${meta(a)}</p>
        <div class="actions">
          <${Button}
            variant="quiet"
            onClick=${() => props.onShow(a)}
            label=${`Show on the record: ${labelOf(FINDING_TYPE_WORDS, a.findingType)}, version ${a.version}`}
            >Show<//
          >
          ${props.onAmend === undefined || props.canAmend?.(a) === false ? null : html`<${Button} variant="quiet" onClick=${() => props.onAmend?.(a)}>Amend<//>`}
        </div>
      </li>`;
    })}
  </ol>`;
}
