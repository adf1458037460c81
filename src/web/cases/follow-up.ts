import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField, TextAreaField } from '../ui/field.js';
import { calendarDate, dateTime, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { labelOf, MODALITY_WORDS } from '../ui/labels.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { TASK_STATUS_WORDS } from '../tasks/tasks.js';

type FollowUp = Schemas['FollowUpDto'];
type Outcome = Schemas['RecordOutcomeDto']['outcome'];

export const OUTCOME_WORDS: Record<Outcome, string> = {
  carried_out: 'Carried out as recommended',
  modified: 'Modified',
  declined: 'Declined',
};

const days = (n: number | null, unknown: string): string => (n === null ? unknown : plural(n, 'day'));

/**
 * What happened after the board, on the case page: the times from referral to
 * board and from board to treatment, the signed plan's action items (each
 * with its responsible clinician), the outcome of the recommendation, and
 * the case's postponements.
 */
export function FollowUpPanel(props: { caseId: string; onChange?: () => void }) {
  const data = useLoad(
    () => ok(client.GET('/api/cases/{id}/follow-up', { params: { path: { id: props.caseId } } })),
    [props.caseId],
  );
  const changed = (): void => {
    data.reload();
    props.onChange?.();
  };
  const head = html`<h2 id=${`follow-up-${props.caseId}`}>Follow-up</h2>`;
  if (data.error !== undefined)
    return html`<section aria-labelledby=${`follow-up-${props.caseId}`}>
      ${head}<${LoadError} text=${data.error} retry=${data.reload} />
    </section>`;
  if (data.data === undefined)
    return html`<section aria-labelledby=${`follow-up-${props.caseId}`}>
      ${head}<${Loading} what="the follow-up" />
    </section>`;
  const f = data.data;
  return html`<section aria-labelledby=${`follow-up-${props.caseId}`} class="follow-up">
    ${head}
    <${Times} f=${f} />
    <${ActionItems} f=${f} onChange=${changed} />
    <${OutcomeForm} key=${`outcome-${f.outcome.history.length}`} f=${f} onChange=${changed} />
    <${Postponements} f=${f} />
  </section>`;
}

function Times(props: { f: FollowUp }) {
  const t = props.f.times;
  return html`<h3>Times</h3>
    <dl class="facts">
      <div>
        <dt>Referral to first board presentation</dt>
        <dd>
          ${days(t.referralToBoardDays, 'not yet presented')}
          <span class="muted"
            >${` (referred ${calendarDate(t.referredOn)}${t.firstPresentedOn === null ? '' : `, presented ${calendarDate(t.firstPresentedOn)}`})`}</span
          >
        </dd>
      </div>
      <div>
        <dt>Board to first treatment start</dt>
        <dd>
          ${days(t.boardToTreatmentDays, 'not yet known')}
          ${t.firstTreatmentStartedOn === null ? null : html`<span class="muted">${` (started ${calendarDate(t.firstTreatmentStartedOn)})`}</span>`}
        </dd>
      </div>
    </dl>`;
}

function ActionItems(props: { f: FollowUp; onChange: () => void }) {
  const f = props.f;
  const nameOf = (id: string): string => f.clinicians.find((c) => c.id === id)?.displayName ?? 'a former member';
  return html`<h3>Action items</h3>
    ${
      f.actionItems.length === 0
        ? html`<p class="muted">No action item yet.</p>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Responsible</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                  <th scope="col">Treatment started</th>
                </tr>
              </thead>
              <tbody>
                ${f.actionItems.map(
                  (i) =>
                    html`<tr key=${i.id}>
                      <th scope="row">${i.description}</th>
                      <td>${i.responsibleClinicianName}</td>
                      <td>
                        ${calendarDate(i.dueDate)} ${i.overdue ? html`<${Badge} tone="danger">Overdue<//>` : null}
                      </td>
                      <td>${TASK_STATUS_WORDS[i.status]}</td>
                      <td>${i.treatmentStartedOn === null ? 'not recorded' : calendarDate(i.treatmentStartedOn)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${
      f.signedPlan === null
        ? html`<p class="muted">Action items come from the signed plan; no plan is signed yet.</p>`
        : html`<${AddActionItem}
            key=${`add-${f.actionItems.length}`}
            f=${f}
            nameOf=${nameOf}
            onAdded=${props.onChange}
          />`
    }`;
}

function AddActionItem(props: { f: FollowUp; nameOf: (id: string) => string; onAdded: () => void }) {
  const plan = props.f.signedPlan;
  const [sequence, setSequence] = useState('');
  const [description, setDescription] = useState('');
  const [responsible, setResponsible] = useState('');
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (plan === null) return null;
  const choose = (v: string): void => {
    setSequence(v);
    const item = plan.items.find((i) => String(i.sequence) === v);
    if (item === undefined) return;
    setDescription(item.description ?? labelOf(MODALITY_WORDS, item.modality));
    if (item.responsibleClinicianId !== null) setResponsible(item.responsibleClinicianId);
  };
  const add = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await ok(
        client.POST('/api/cases/{id}/action-items', {
          params: { path: { id: props.f.caseId } },
          body: {
            planId: plan.id,
            ...(sequence === '' ? {} : { planItemSequence: Number(sequence) }),
            description,
            responsibleClinicianId: responsible,
            dueDate: due,
          },
        }),
      );
      setErrors({});
      toastSuccess(`Action item added; ${props.nameOf(responsible)} is told by mail.`);
      setSequence('');
      setDescription('');
      setResponsible('');
      setDue('');
      props.onAdded();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<form class="card follow-up-add" onSubmit=${add} novalidate>
    <h4>${`Add an action from the signed plan (version ${plan.number})`}</h4>
    ${SelectField({
      label: 'Plan item',
      name: 'action-plan-item',
      value: sequence,
      onInput: choose,
      placeholder: 'Not one item of the plan',
      options: plan.items.map((i) => ({
        value: String(i.sequence),
        label: `${i.sequence}. ${labelOf(MODALITY_WORDS, i.modality)}${i.description === null ? '' : ` — ${i.description}`}`,
      })),
      error: errors.planItemSequence,
    })}
    ${Field({ label: 'Action', name: 'action-description', value: description, onInput: setDescription, required: true, error: errors.description })}
    <div class="field-row">
      ${SelectField({
        label: 'Responsible clinician',
        name: 'action-responsible',
        value: responsible,
        onInput: setResponsible,
        placeholder: 'Choose…',
        required: true,
        options: props.f.clinicians.map((c) => ({ value: c.id, label: c.displayName })),
        error: errors.responsibleClinicianId,
        hint: 'Every action has a named responsible clinician (NHS England MDT guidance)',
      })}
      ${Field({ label: 'Due date', name: 'action-due', type: 'date', value: due, onInput: setDue, required: true, error: errors.dueDate })}
    </div>
    ${errors.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${errors.form}</div>`}
    <div class="actions"><button type="submit" class="btn btn-secondary">Add action item</button></div>
  </form>`;
}

function OutcomeForm(props: { f: FollowUp; onChange: () => void }) {
  const o = props.f.outcome;
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const record = async (): Promise<void> => {
    try {
      await ok(
        client.PUT('/api/cases/{id}/recommendation-outcome', {
          params: { path: { id: props.f.caseId } },
          body: { outcome: outcome as Outcome, ...(reason.trim() === '' ? {} : { reason }) },
        }),
      );
      setErrors({});
      toastSuccess('Outcome recorded.');
      setOutcome('');
      setReason('');
      props.onChange();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<h3>Outcome of the recommendation</h3>
    <p>
      ${
        o.current === null
          ? 'Not recorded yet.'
          : html`<strong>${OUTCOME_WORDS[o.current.outcome]}</strong
              >${o.current.reason === null ? '' : `: ${o.current.reason}`}`
      }
    </p>
    ${
      o.history.length > 1
        ? html`<details>
            <summary>${`Earlier entries (${o.history.length - 1})`}</summary>
            <ul>
              ${o.history
                .slice(0, -1)
                .map(
                  (h) =>
                    html`<li key=${h.id}>
                      ${`${OUTCOME_WORDS[h.outcome]}${h.reason === null ? '' : `: ${h.reason}`} — ${h.recordedByName ?? 'unknown'}, ${dateTime(h.recordedAt, props.f.timeZone)}`}
                    </li>`,
                )}
            </ul>
          </details>`
        : null
    }
    ${
      props.f.signedPlan === null
        ? html`<p class="muted">The outcome is recorded once the board has signed a plan.</p>`
        : html`<div class="field-row">
              ${SelectField({
                label: 'Outcome',
                name: 'outcome-kind',
                value: outcome,
                onInput: (v) => setOutcome(v as Outcome | ''),
                placeholder: 'Choose…',
                options: Object.entries(OUTCOME_WORDS).map(([value, label]) => ({ value, label })),
                error: errors.outcome,
              })}
            </div>
            ${TextAreaField({
              label: 'Reason',
              name: 'outcome-reason',
              value: reason,
              onInput: setReason,
              hint: 'Required when the recommendation was modified or declined',
              required: outcome === 'modified' || outcome === 'declined',
              error: errors.reason,
            })}
            ${errors.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${errors.form}</div>`}
            <div class="actions">
              <${Button} disabled=${outcome === ''} onClick=${record}>Record outcome<//>
            </div>`
    }`;
}

function Postponements(props: { f: FollowUp }) {
  const list = props.f.postponements;
  return html`<h3>Postponements</h3>
    ${
      list.length === 0
        ? html`<p class="muted">Never moved to a later session.</p>`
        : html`<ul class="postponements">
            ${list.map(
              (p) =>
                html`<li key=${p.id}>
                  ${`From ${p.from.title} (${dateTime(p.from.startsAt, props.f.timeZone)}) to ${p.to.title} (${dateTime(p.to.startsAt, props.f.timeZone)}): ${p.reason}`}
                  <span class="muted"
                    >${` — ${p.postponedByName ?? 'unknown'}, ${dateTime(p.postponedAt, props.f.timeZone)}`}</span
                  >
                </li>`,
            )}
          </ul>`
    }`;
}
