import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { SelectField, TextAreaField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { sessionWhen } from './sessions.js';

type Session = Schemas['BoardSessionDetailDto'];
type Listed = Schemas['BoardSessionListItemDto'];

/**
 * "Postpone to a later session": the case moves to a later session of the
 * same clinic, and the reason is kept with the case (follow-up, report).
 */
export function PostponeCase(props: {
  session: Session;
  caseId: string;
  name: string;
  timeZone: string;
  onPostponed: () => void;
}) {
  const [later, setLater] = useState<Listed[]>();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const load = async (): Promise<void> => {
    if (later !== undefined) return;
    try {
      const page = await ok(
        client.GET('/api/board-sessions', {
          params: { query: { clinicId: props.session.clinicId, from: props.session.startsAt, limit: 50 } },
        }),
      );
      setLater(
        page.items.filter(
          (s) =>
            s.id !== props.session.id &&
            s.startsAt > props.session.startsAt &&
            (s.status === 'scheduled' || s.status === 'in_progress'),
        ),
      );
    } catch (err) {
      setErrors({ form: problemText(err) });
    }
  };
  const postpone = async (): Promise<void> => {
    try {
      const done = await ok(
        client.POST('/api/board-sessions/{id}/agenda/{caseId}/postponement', {
          params: { path: { id: props.session.id, caseId: props.caseId } },
          body: { toSessionId: to, reason },
        }),
      );
      setErrors({});
      toastSuccess(`${props.name} postponed to ${done.to.title}.`);
      props.onPostponed();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  const id = `postpone-${props.caseId}`;
  return html`<details class="postpone" onToggle=${(e: Event) => (e.target as HTMLDetailsElement).open && void load()}>
    <summary aria-label=${`Postpone to a later session: ${props.name}`}>Postpone to a later session</summary>
    ${
      later === undefined
        ? errors.form === undefined
          ? html`<p class="muted">Loading the later sessions…</p>`
          : null
        : later.length === 0
          ? html`<p class="muted">No later session of this clinic is scheduled; schedule one first.</p>`
          : html`${SelectField({
                label: 'Later session',
                name: `${id}-to`,
                value: to,
                onInput: setTo,
                placeholder: 'Choose…',
                required: true,
                options: later.map((s) => ({ value: s.id, label: `${s.title}, ${sessionWhen(s, props.timeZone)}` })),
                error: errors.toSessionId,
              })}
              ${TextAreaField({
                label: 'Why it is postponed',
                name: `${id}-reason`,
                value: reason,
                onInput: setReason,
                required: true,
                error: errors.reason,
                hint: 'Kept with the case and counted in the conference report',
              })}
              <div class="actions">
                <${Button} disabled=${to === ''} label=${`Postpone: ${props.name}`} onClick=${postpone}>Postpone<//>
              </div>`
    }
    ${errors.form === undefined ? null : html`<div class="alert alert-danger" role="alert">${errors.form}</div>`}
  </details>`;
}
