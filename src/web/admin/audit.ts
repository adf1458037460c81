import { useState } from 'preact/hooks';
import { client, ok, type paths, type Schemas } from '../api/client.js';
import { navigate, useHashPath } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { CheckboxField, Field, SelectField } from '../ui/field.js';
import { dateTime, plural, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { allUsers, localZone, type User } from './data.js';
import { actionWords, AUDIT_ACTIONS, ROLE_WORDS, type Role } from './words.js';

type AuditEvent = Schemas['AuditEventResponseDto'];
type Query = NonNullable<paths['/api/audit-events']['get']['parameters']['query']>;

/** The filters an address can carry (?actorId=…&caseId=…), so a filtered trail can be linked to. */
const FILTERS = ['actorId', 'caseId', 'patientId', 'action', 'from', 'to', 'severity'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const NO_FILTERS = Object.fromEntries(FILTERS.map((k) => [k, ''])) as Filters;

const readFilters = (q: URLSearchParams): Filters =>
  Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ''])) as Filters;

/** A local calendar day (YYYY-MM-DD) as the instant it starts on this screen. */
const dayStart = (date: string, addDays = 0): string => {
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + addDays);
  return d.toISOString();
};

function toQuery(f: Filters, cursor?: string): Query {
  return {
    limit: 50,
    ...(cursor === undefined ? {} : { cursor }),
    ...(f.actorId === '' ? {} : { actorId: f.actorId }),
    ...(f.caseId === '' ? {} : { caseId: f.caseId }),
    ...(f.patientId === '' ? {} : { patientId: f.patientId }),
    ...(f.action === '' ? {} : { action: f.action }),
    ...(f.from === '' ? {} : { from: dayStart(f.from) }),
    // The last day is included: up to the start of the next.
    ...(f.to === '' ? {} : { to: dayStart(f.to, 1) }),
    ...(f.severity === 'high' ? { severity: 'high' as const } : {}),
  };
}

const OUTCOME: Record<AuditEvent['outcome'], [string, 'success' | 'warning' | 'danger']> = {
  success: ['Done', 'success'],
  failure: ['Failed', 'warning'],
  denied: ['Refused', 'danger'],
};

function Who(props: { e: AuditEvent; users: Map<string, User> }) {
  const { e } = props;
  if (e.actorId === null) return html`<span class="muted">No signed-in user</span>`;
  const u = props.users.get(e.actorId);
  const role = e.actorRole === null ? '' : (ROLE_WORDS[e.actorRole as Role] ?? e.actorRole);
  return html`${u === undefined ? html`<span class="muted">Unknown account</span>` : html`<a href=${`#/admin/users/${u.id}`}>${u.displayName}</a>`}
  ${role === '' ? null : html`<div class="muted">${role}</div>`}`;
}

function About(props: { e: AuditEvent; filter: (patch: Partial<Filters>) => void }) {
  const { e } = props;
  const parts = [];
  if (e.caseId !== null)
    parts.push(
      html`<div>
        Case <code>${e.caseId.slice(0, 8)}</code>
        <button type="button" class="btn btn-quiet" onClick=${() => props.filter({ caseId: e.caseId ?? '' })}>
          Who saw this case
        </button>
      </div>`,
    );
  else if (e.patientId !== null)
    parts.push(
      html`<div>
        Patient <code>${e.patientId.slice(0, 8)}</code>
        <button type="button" class="btn btn-quiet" onClick=${() => props.filter({ patientId: e.patientId ?? '' })}>
          Who saw this patient
        </button>
      </div>`,
    );
  else if (e.entityType !== null)
    parts.push(
      html`<div class="muted">
        ${e.entityType.replace(/_/g, ' ')}${e.entityId === null ? '' : ` ${e.entityId.slice(0, 8)}`}
      </div>`,
    );
  if (e.disclosedPatientIds.length > 0)
    parts.push(html`<div class="muted">Showed ${plural(e.disclosedPatientIds.length, 'patient')}</div>`);
  return parts.length === 0 ? html`<span class="muted">—</span>` : html`${parts}`;
}

/** A break-glass event: marked in words and colour, with the admin's stated reason and when the access ends. */
function BreakGlass(props: { e: AuditEvent; zone: string }) {
  const g = props.e.breakGlass;
  if (g === null) return props.e.reason === 'break_glass' ? html`<${Badge} tone="danger">Break-glass<//>` : null;
  const grant = props.e.action === 'case.break_glass';
  return html`<div class="break-glass">
    <${Badge} tone="danger">${grant ? 'Break-glass access granted' : 'Read under break-glass'}<//>
    <div><span class="muted">Reason:</span> ${g.reason}</div>
    <div><span class="muted">Access until:</span> ${dateTime(g.expiresAt, props.zone)}</div>
  </div>`;
}

function Trail(props: { filters: Filters; users: Map<string, User>; filter: (patch: Partial<Filters>) => void }) {
  const zone = localZone();
  const first = useLoad(() => ok(client.GET('/api/audit-events', { params: { query: toQuery(props.filters) } })), []);
  const [more, setMore] = useState<{ items: AuditEvent[]; next: string | null }>();
  const [moreError, setMoreError] = useState<string>();
  if (first.error !== undefined) return html`<${LoadError} text=${first.error} retry=${first.reload} />`;
  if (first.data === undefined) return html`<${Loading} what="the audit trail" />`;
  const items = [...first.data.items, ...(more?.items ?? [])];
  const next = more === undefined ? first.data.nextCursor : more.next;
  const showMore = async (): Promise<void> => {
    if (next === null) return;
    try {
      const page = await ok(client.GET('/api/audit-events', { params: { query: toQuery(props.filters, next) } }));
      setMore({ items: [...(more?.items ?? []), ...page.items], next: page.nextCursor });
      setMoreError(undefined);
    } catch (err) {
      setMoreError(problemText(err));
    }
  };
  if (items.length === 0) return html`<${EmptyState} title="No event matches these filters" />`;
  return html`<p role="status" class="muted">
      ${`${plural(items.length, 'event')} shown, newest first${next === null ? '' : '; there are more'}. Times in ${zone.replace(/_/g, ' ')} (${zoneLabel(zone)}).`}
    </p>
    <div class="table-wrap">
      <table class="audit-table" role="table">
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">When</th>
            <th scope="col" role="columnheader">Who</th>
            <th scope="col" role="columnheader">What</th>
            <th scope="col" role="columnheader">About</th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          ${items.map(
            (e) =>
              html`<tr role="row" key=${e.id} class=${e.severity === 'high' ? 'audit-high' : undefined}>
                <td role="cell" data-label="When">${dateTime(e.at, zone)}</td>
                <td role="cell" data-label="Who"><${Who} e=${e} users=${props.users} /></td>
                <td role="cell" data-label="What">
                  <div>${actionWords(e.action)}</div>
                  ${e.outcome === 'success' ? null : html`<${Badge} tone=${OUTCOME[e.outcome][1]}>${OUTCOME[e.outcome][0]}<//>`}
                  ${e.severity === 'high' && e.reason !== 'break_glass' ? html` <${Badge} tone="warning">High severity<//>` : null}
                  <${BreakGlass} e=${e} zone=${zone} />
                </td>
                <td role="cell" data-label="About"><${About} e=${e} filter=${props.filter} /></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${moreError === undefined ? null : html`<p class="error" role="alert">${moreError}</p>`}
    ${next === null ? null : html`<div class="actions"><${Button} onClick=${showMore}>Show more<//></div>`}`;
}

/** The audit trail: who did what and when, filtered by person, case, patient, action and dates. */
export function Audit() {
  const { query } = useHashPath();
  const applied = readFilters(query);
  const key = FILTERS.map((k) => applied[k]).join('|');
  return html`<main class="admin">
    <${AdminNav} current="#/admin/audit" />
    <h1>Audit trail</h1>
    <${AuditFilters} key=${key} applied=${applied} />
  </main>`;
}

function AuditFilters(props: { applied: Filters }) {
  const users = useLoad(allUsers, []);
  const [f, setF] = useState<Filters>(props.applied);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const apply = (next: Filters): void => {
    const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ''));
    navigate(`/admin/audit${q.size === 0 ? '' : `?${q.toString()}`}`);
  };
  const set = (patch: Partial<Filters>): void => setF({ ...f, ...patch });
  const byId = new Map((users.data ?? []).map((u) => [u.id, u]));
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const submit = (e: Event): void => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (f.caseId.trim() !== '' && !uuid.test(f.caseId.trim()))
      local.caseId = 'A case id looks like 3f2b…-…: copy it from the case';
    if (f.patientId.trim() !== '' && !uuid.test(f.patientId.trim()))
      local.patientId = 'A patient id looks like 3f2b…-…';
    if (f.from !== '' && f.to !== '' && f.to < f.from) local.to = 'The last day comes after the first';
    setErrors(local);
    if (Object.keys(local).length === 0) apply({ ...f, caseId: f.caseId.trim(), patientId: f.patientId.trim() });
  };
  const actionOptions = [...AUDIT_ACTIONS]
    .sort((a, b) => actionWords(a).localeCompare(actionWords(b)))
    .map((a) => ({ value: a, label: actionWords(a) }));
  const active = FILTERS.some((k) => props.applied[k] !== '');
  return html`<form onSubmit=${submit} aria-label="Filter the audit trail" novalidate class="audit-filters">
      <div class="field-row">
        ${SelectField({
          label: 'Person',
          name: 'audit-actor',
          value: f.actorId,
          onInput: (v) => set({ actorId: v }),
          options: (users.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName} (${u.email})` })),
          placeholder: 'Anyone',
        })}
        ${SelectField({
          label: 'Action',
          name: 'audit-action',
          value: f.action,
          onInput: (v) => set({ action: v }),
          options: actionOptions,
          placeholder: 'Any action',
        })}
        ${Field({
          label: 'Case id',
          name: 'audit-case',
          value: f.caseId,
          onInput: (v) => set({ caseId: v }),
          hint: 'Who saw this patient’s case.',
          autocomplete: 'off',
          error: errors.caseId,
        })}
        ${Field({
          label: 'Patient id',
          name: 'audit-patient',
          value: f.patientId,
          onInput: (v) => set({ patientId: v }),
          hint: 'Includes lists that showed the patient.',
          autocomplete: 'off',
          error: errors.patientId,
        })}
      </div>
      <div class="field-row">
        ${Field({ label: 'From (day)', name: 'audit-from', type: 'date', value: f.from, onInput: (v) => set({ from: v }) })}
        ${Field({ label: 'To (day, included)', name: 'audit-to', type: 'date', value: f.to, onInput: (v) => set({ to: v }), error: errors.to })}
      </div>
      ${CheckboxField({
        label: 'Only high severity (break-glass, access changes)',
        name: 'audit-high',
        checked: f.severity === 'high',
        onInput: (on) => set({ severity: on ? 'high' : '' }),
      })}
      <div class="actions">
        <${Button} variant="primary" type="submit">Show events<//>
        ${active ? html`<a class="btn btn-quiet" href="#/admin/audit">Clear filters</a>` : null}
      </div>
    </form>
    <section aria-labelledby="trail-h" aria-live="polite">
      <h2 id="trail-h">
        ${
          props.applied.actorId !== ''
            ? `Events of ${byId.get(props.applied.actorId)?.displayName ?? 'this person'}`
            : props.applied.caseId !== ''
              ? 'Who saw this case'
              : props.applied.patientId !== ''
                ? 'Who saw this patient'
                : 'Events'
        }
      </h2>
      <${Trail}
        filters=${props.applied}
        users=${byId}
        filter=${(patch: Partial<Filters>) => apply({ ...NO_FILTERS, from: props.applied.from, to: props.applied.to, ...patch })}
      />
    </section>`;
}
