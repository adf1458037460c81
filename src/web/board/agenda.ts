import { useEffect, useRef, useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Badge, CaseStatusBadge, caseStatusWords, SyntheticBadge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { morphologyWithName, topographyWithName } from '../ui/codes.js';
import { EmptyState } from '../ui/empty.js';
import { SelectField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { labelOf, PRESENTATION_REASON_WORDS } from '../ui/labels.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastError, toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { ASSESSMENT_SOURCE_WORDS, MODE_WORDS, patientName } from './words.js';
import { PostponeCase } from './postpone.js';

type Item = Schemas['AgendaItemDto'];
type Session = Schemas['BoardSessionDetailDto'];

/** Case statuses the server lets onto an agenda (src/board/board-sessions.service.ts). */
const AGENDA_CASE_STATUSES = new Set([
  'ready',
  'scheduled',
  'evaluated',
  'in_review',
  'consensus',
  'third_opinion_requested',
]);

const REASONS = Object.entries(PRESENTATION_REASON_WORDS)
  .filter(([code]) => code !== 'not_recorded')
  .map(([value, label]) => ({ value, label }));
const MODES = Object.entries(MODE_WORDS).map(([value, label]) => ({ value, label }));

function diagnosisText(d: Item['diagnosis']): string {
  if (d === null) return 'No diagnosis recorded yet';
  const parts = [
    d.primarySite === null ? null : topographyWithName(d.primarySite),
    d.histology === null ? null : morphologyWithName(d.histology),
  ];
  return `${parts.filter((p) => p !== null).join(' · ')} (${ASSESSMENT_SOURCE_WORDS[d.source] ?? d.source})`;
}

/** A new order with `caseId` moved to index `to`. */
function moved(ids: string[], caseId: string, to: number): string[] {
  const rest = ids.filter((id) => id !== caseId);
  rest.splice(Math.max(0, Math.min(to, rest.length)), 0, caseId);
  return rest;
}

/**
 * The session's agenda: who is presented, in what order and how. Coordinators
 * add cases, reorder them by dragging or with Move up / Move down (announced),
 * and set each one's mode and reason; the chair or a coordinator presents.
 */
export function Agenda(props: {
  session: Session;
  timeZone: string;
  canManage: boolean;
  canPresent: boolean;
  onChanged: () => void;
}) {
  const s = props.session;
  // The agenda the last change answered, until the session is read again (then the server's is shown).
  const [answered, setAnswered] = useState<{ of: Item[]; items: Item[] }>();
  const agenda = answered !== undefined && answered.of === s.agenda ? answered.items : s.agenda;
  const [announce, setAnnounce] = useState('');
  const [dragging, setDragging] = useState<string>();
  const [over, setOver] = useState<string>();
  const focusAfter = useRef<string | undefined>(undefined);
  const list = useRef<HTMLOListElement>(null);
  const ids = agenda.map((a) => a.caseId);
  const nameOf = (caseId: string): string => {
    const a = agenda.find((x) => x.caseId === caseId);
    return a === undefined ? 'The case' : patientName(a.patient);
  };

  useEffect(() => {
    // After a keyboard move the item is re-rendered in its new place: keep the focus on its button.
    const key = focusAfter.current;
    if (key === undefined) return;
    const el =
      list.current?.querySelector<HTMLButtonElement>(`[data-move="${key}"]:not(:disabled)`) ??
      list.current?.querySelector<HTMLButtonElement>(`[data-move^="${key.split(':')[0]}:"]:not(:disabled)`);
    el?.focus();
    focusAfter.current = undefined;
  }, [agenda]);

  const reorder = async (order: string[], caseId: string): Promise<void> => {
    if (order.join() === ids.join()) return;
    try {
      const items = await ok(
        client.PUT('/api/board-sessions/{id}/agenda/order', {
          params: { path: { id: s.id } },
          body: { caseIds: order },
        }),
      );
      setAnswered({ of: s.agenda, items });
      setAnnounce(`${nameOf(caseId)} moved to position ${order.indexOf(caseId) + 1} of ${order.length}.`);
      props.onChanged();
    } catch (err) {
      setAnnounce('');
      toastError(err);
    }
  };
  const move = (caseId: string, by: -1 | 1): Promise<void> => {
    focusAfter.current = `${caseId}:${by === -1 ? 'up' : 'down'}`;
    return reorder(moved(ids, caseId, ids.indexOf(caseId) + by), caseId);
  };
  const patch = async (caseId: string, body: Schemas['UpdateAgendaItemDto'], what: string): Promise<void> => {
    try {
      const items = await ok(
        client.PATCH('/api/board-sessions/{id}/agenda/{caseId}', { params: { path: { id: s.id, caseId } }, body }),
      );
      setAnswered({ of: s.agenda, items });
      toastSuccess(`${nameOf(caseId)}: ${what}.`);
      props.onChanged();
    } catch (err) {
      toastError(err);
    }
  };
  const present = async (caseId: string): Promise<void> => {
    await ok(client.POST('/api/board-sessions/{id}/presenting', { params: { path: { id: s.id } }, body: { caseId } }));
    setAnnounce(`Now presenting ${nameOf(caseId)}.`);
    props.onChanged();
  };
  const drop = (e: DragEvent, target: string): void => {
    e.preventDefault();
    const caseId = e.dataTransfer?.getData('text/plain') || dragging;
    setDragging(undefined);
    setOver(undefined);
    if (caseId === undefined || caseId === target) return;
    // Dropped on an item: the dragged case takes that item's place.
    void reorder(moved(ids, caseId, ids.indexOf(target)), caseId);
  };

  return html`<section aria-labelledby="agenda-h" class="agenda">
    <h2 id="agenda-h">Agenda</h2>
    <p class="sr-only" role="status" aria-live="polite" data-testid="agenda-announce">${announce}</p>
    ${
      agenda.length === 0
        ? html`<${EmptyState} title="No case on the agenda yet"
            >${props.canManage ? 'Add the clinic’s ready cases below.' : 'The coordinators add the cases.'}<//
          >`
        : html`${props.canManage ? html`<p class="hint">Drag a case onto another to take its place, or use Move up and Move down.</p>` : null}
            <ol class="agenda-list" ref=${list}>
              ${agenda.map((a, i) => {
                const presenting = s.presentingCaseId === a.caseId;
                const name = patientName(a.patient);
                return html`<li
                  key=${a.caseId}
                  class=${`agenda-item${presenting ? ' presenting' : ''}${dragging === a.caseId ? ' dragging' : ''}${over === a.caseId && dragging !== a.caseId ? ' drop-target' : ''}`}
                  draggable=${props.canManage ? 'true' : undefined}
                  data-case=${a.caseId}
                  onDragStart=${(e: DragEvent) => {
                    e.dataTransfer?.setData('text/plain', a.caseId);
                    if (e.dataTransfer !== null) e.dataTransfer.effectAllowed = 'move';
                    setDragging(a.caseId);
                  }}
                  onDragEnd=${() => (setDragging(undefined), setOver(undefined))}
                  onDragOver=${(e: DragEvent) => {
                    if (!props.canManage) return;
                    e.preventDefault();
                    setOver(a.caseId);
                  }}
                  onDrop=${(e: DragEvent) => props.canManage && drop(e, a.caseId)}
                >
                  <div class="agenda-who">
                    <span class="agenda-pos" aria-hidden="true">${i + 1}</span>
                    <div>
                      <a href=${`#/case/${a.caseId}`} class="agenda-name"
                        ><strong>${a.patient.familyName.toUpperCase()}</strong>, ${a.patient.givenName}</a
                      >
                      ${a.patient.synthetic ? html` <${SyntheticBadge} />` : null}
                      ${presenting ? html` <${Badge} tone="success">Now presenting<//>` : null}
                      <div class="agenda-facts">
                        <span>MRN ${a.patient.mrn}</span>
                        <span>${diagnosisText(a.diagnosis)}</span>
                      </div>
                      <div class="agenda-facts">
                        <${CaseStatusBadge} status=${a.caseStatus} />
                        <span>${MODE_WORDS[a.mode]}</span>
                        <span
                          >${`Reason: ${a.presentationReason === null ? 'not recorded' : labelOf(PRESENTATION_REASON_WORDS, a.presentationReason)}`}</span
                        >
                        ${a.presentedAt === null ? null : html`<span>Presented ${dateTime(a.presentedAt, props.timeZone)}</span>`}
                      </div>
                    </div>
                  </div>
                  ${
                    props.canManage
                      ? html`<div class="agenda-selects">
                          ${SelectField({
                            label: 'Mode',
                            name: `mode-${a.caseId}`,
                            value: a.mode,
                            onInput: (v) =>
                              void patch(
                                a.caseId,
                                { mode: v as Item['mode'] },
                                `mode set to “${MODE_WORDS[v as Item['mode']]}”`,
                              ),
                            options: MODES,
                          })}
                          ${SelectField({
                            label: 'Reason for presenting',
                            name: `reason-${a.caseId}`,
                            value: a.presentationReason ?? '',
                            onInput: (v) =>
                              void patch(
                                a.caseId,
                                { presentationReason: v === '' ? null : (v as Item['presentationReason'] & string) },
                                v === ''
                                  ? 'reason cleared'
                                  : `reason set to “${labelOf(PRESENTATION_REASON_WORDS, v)}”`,
                              ),
                            options: REASONS,
                            placeholder: 'Not recorded',
                          })}
                        </div>`
                      : null
                  }
                  ${
                    props.canManage || (props.canPresent && !presenting)
                      ? html`<div class="agenda-buttons">
                          ${
                            props.canManage
                              ? html`<button
                                    type="button"
                                    class="btn btn-secondary"
                                    data-move=${`${a.caseId}:up`}
                                    disabled=${i === 0}
                                    aria-label=${`Move up: ${name}`}
                                    onClick=${() => void move(a.caseId, -1)}
                                  >
                                    Move up
                                  </button>
                                  <button
                                    type="button"
                                    class="btn btn-secondary"
                                    data-move=${`${a.caseId}:down`}
                                    disabled=${i === agenda.length - 1}
                                    aria-label=${`Move down: ${name}`}
                                    onClick=${() => void move(a.caseId, 1)}
                                  >
                                    Move down
                                  </button>`
                              : null
                          }
                          ${
                            props.canPresent && !presenting
                              ? html`<${Button} label=${`Present now: ${name}`} onClick=${() => present(a.caseId)}
                                  >Present now<//
                                >`
                              : null
                          }
                        </div>`
                      : null
                  }
                  ${props.canManage && a.presentedAt === null ? html`<${PostponeCase} session=${s} caseId=${a.caseId} name=${name} timeZone=${props.timeZone} onPostponed=${props.onChanged} />` : null}
                </li>`;
              })}
            </ol>`
    }
    ${props.canManage ? html`<${AddCase} session=${s} onAdded=${props.onChanged} />` : null}
  </section>`;
}

/** Putting one of the clinic's cases on the agenda, chosen by patient name and MRN. */
function AddCase(props: { session: Session; onAdded: () => void }) {
  const s = props.session;
  const cases = useLoad(
    () =>
      ok(client.GET('/api/cases', { params: { query: { clinicId: s.clinicId, limit: 200 } } })).then((p) => p.items),
    [s.clinicId],
  );
  const [caseId, setCaseId] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const onAgenda = new Set(s.agenda.map((a) => a.caseId));
  const choices = (cases.data ?? [])
    .filter((c) => AGENDA_CASE_STATUSES.has(c.status) && !onAgenda.has(c.id))
    .sort((a, b) => a.patient.familyName.localeCompare(b.patient.familyName));
  const add = async (): Promise<void> => {
    if (caseId === '') return setErrors({ caseId: 'Choose a case' });
    try {
      await ok(
        client.POST('/api/board-sessions/{id}/agenda', {
          params: { path: { id: s.id } },
          body: {
            caseId,
            mode: 'discuss',
            ...(reason === '' ? {} : { presentationReason: reason as NonNullable<Item['presentationReason']> }),
          },
        }),
      );
      const c = choices.find((x) => x.id === caseId);
      toastSuccess(`${c === undefined ? 'The case' : patientName(c.patient)} is on the agenda.`);
      setCaseId('');
      setReason('');
      setErrors({});
      props.onAdded();
      cases.reload();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { caseId: problemText(err) });
    }
  };
  return html`<form
    class="add-case"
    aria-labelledby="add-case-h"
    onSubmit=${(e: Event) => (e.preventDefault(), void add())}
  >
    <h3 id="add-case-h">Add a case</h3>
    ${
      cases.error !== undefined
        ? html`<p class="error" role="alert">${cases.error}</p>`
        : cases.data !== undefined && choices.length === 0
          ? html`<p class="muted">No other case of the clinic is ready for the board.</p>`
          : html`<div class="field-row">
                ${SelectField({
                  label: 'Case',
                  name: 'add-case',
                  value: caseId,
                  onInput: setCaseId,
                  options: choices.map((c) => ({
                    value: c.id,
                    label: `${patientName(c.patient)} — MRN ${c.patient.mrn} (${caseStatusWords(c.status)})`,
                  })),
                  placeholder: cases.data === undefined ? 'Loading the cases…' : 'Choose a patient…',
                  error: errors.caseId,
                })}
                ${SelectField({
                  label: 'Reason for presenting',
                  name: 'add-reason',
                  value: reason,
                  onInput: setReason,
                  options: REASONS,
                  placeholder: 'Not recorded yet',
                  error: errors.presentationReason,
                })}
              </div>
              <div class="actions"><button type="submit" class="btn btn-secondary">Add to the agenda</button></div>`
    }
  </form>`;
}
