import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, isoDateIn, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';

type Task = Schemas['TaskDto'];
type Status = NonNullable<Task['status']>;

export const TASK_STATUS_WORDS: Record<Status, string> = { open: 'Open', done: 'Done', cancelled: 'Cancelled' };

/** Saves a change to an action item under the version the screen shows (a stale one is refused, 412). */
export async function patchActionItem(
  item: { id: string; version: number },
  body: Schemas['UpdateActionItemDto'],
): Promise<Schemas['ActionItemDto']> {
  return ok(
    client.PATCH('/api/action-items/{itemId}', {
      params: { path: { itemId: item.id }, header: { 'If-Match': `"${item.version}"` } },
      body,
    }),
  );
}

/** "My tasks": the open actions of signed plans the signed-in clinician is responsible for, overdue ones first marked. */
export function MyTasks(props: { me: Me }) {
  const [assignee, setAssignee] = useState<'me' | 'all'>(props.me.role === 'coordinator' ? 'all' : 'me');
  const [status, setStatus] = useState<Status | ''>('open');
  const tasks = useLoad(
    () =>
      ok(
        client.GET('/api/action-items', {
          params: { query: { assignee, ...(status === '' ? {} : { status }) } },
        }),
      ),
    [assignee, status],
  );
  const title = assignee === 'me' ? 'My tasks' : 'Tasks in my clinics';
  return html`<main>
    <h1>${title}</h1>
    <p class="muted">
      Actions from signed treatment plans. Every action has a named responsible clinician and a due date; record when
      treatment started, then mark it done.
    </p>
    <div class="field-row">
      ${SelectField({
        label: 'Show',
        name: 'tasks-assignee',
        value: assignee,
        onInput: (v) => setAssignee(v === 'all' ? 'all' : 'me'),
        options: [
          { value: 'me', label: 'Assigned to me' },
          { value: 'all', label: 'Everyone’s, in my clinics' },
        ],
      })}
      ${SelectField({
        label: 'Status',
        name: 'tasks-status',
        value: status,
        onInput: (v) => setStatus(v as Status | ''),
        options: [
          { value: 'open', label: 'Open' },
          { value: 'done', label: 'Done' },
          { value: 'cancelled', label: 'Cancelled' },
          { value: '', label: 'Any status' },
        ],
      })}
    </div>
    ${
      tasks.error !== undefined
        ? html`<${LoadError} text=${tasks.error} retry=${tasks.reload} />`
        : tasks.data === undefined
          ? html`<${Loading} what="the tasks" />`
          : tasks.data.length === 0
            ? html`<${EmptyState} title=${status === 'open' ? 'No open task' : 'No task'}
                >Tasks appear here when an action of a signed plan names
                ${assignee === 'me' ? 'you' : 'a clinician of your clinics'} as responsible.<//
              >`
            : html`<p role="status">
                  ${`${plural(tasks.data.length, 'task')}`}${
                    tasks.data.some((t) => t.overdue) ? `, ${tasks.data.filter((t) => t.overdue).length} overdue` : ''
                  }.
                </p>
                <ul class="task-list">
                  ${tasks.data.map(
                    (t) =>
                      html`<${TaskCard}
                        key=${`${t.id}:${t.version}`}
                        task=${t}
                        showWho=${assignee === 'all'}
                        onChanged=${tasks.reload}
                      />`,
                  )}
                </ul>`
    }
  </main>`;
}

function TaskCard(props: { task: Task; showWho: boolean; onChanged: () => void }) {
  const t = props.task;
  const today = isoDateIn(new Date(), t.timeZone);
  const [started, setStarted] = useState(t.treatmentStartedOn ?? today);
  const [error, setError] = useState<string>();
  const save = async (body: Schemas['UpdateActionItemDto'], said: string): Promise<void> => {
    try {
      await patchActionItem(t, body);
      setError(undefined);
      toastSuccess(said);
      props.onChanged();
    } catch (err) {
      const fields = fieldErrors(err);
      setError(Object.values(fields)[0] ?? problemText(err));
    }
  };
  return html`<li class=${`card task${t.overdue ? ' task-overdue' : ''}`}>
    <div class="task-head">
      <p class="task-what"><strong>${t.description}</strong></p>
      <p class="task-facts">
        <a href=${`#/case/${t.caseId}`}>${t.patientName}</a>
        <span class="muted">${` case ${t.caseReference}`}</span>
      </p>
      <p class="task-facts">
        ${`Due ${calendarDate(t.dueDate)} `} ${t.overdue ? html`<${Badge} tone="danger">Overdue<//>` : null}
        ${t.status !== 'open' ? html` <${Badge} tone=${t.status === 'done' ? 'success' : 'neutral'}>${TASK_STATUS_WORDS[t.status]}<//>` : null}
        ${props.showWho ? html`<span>${` Responsible: ${t.responsibleClinicianName}`}</span>` : null}
      </p>
      <p class="task-facts">
        ${t.treatmentStartedOn === null ? 'Treatment start not recorded' : `Treatment started ${calendarDate(t.treatmentStartedOn)}`}
      </p>
    </div>
    ${
      t.status === 'open'
        ? html`<div class="task-actions">
            ${Field({
              label: 'Treatment started on',
              name: `started-${t.id}`,
              type: 'date',
              value: started,
              max: today,
              onInput: setStarted,
              hint: `In the clinic’s calendar (${t.timeZone}); not in the future`,
            })}
            <div class="actions">
              <${Button}
                label=${`Record treatment start: ${t.description}`}
                onClick=${() => save({ treatmentStartedOn: started }, `Treatment start recorded: ${calendarDate(started)}.`)}
                >Record treatment start<//
              >
              <${Button}
                variant="primary"
                label=${`Mark done: ${t.description}`}
                onClick=${() => save({ status: 'done' }, 'Task marked done.')}
                >Mark done<//
              >
            </div>
          </div>`
        : null
    }
    ${error === undefined ? null : html`<div class="alert alert-danger" role="alert">${error}</div>`}
  </li>`;
}
