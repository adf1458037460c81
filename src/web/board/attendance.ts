import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty.js';
import { SelectField } from '../ui/field.js';
import { clockTime, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastError, toastSuccess } from '../ui/toast.js';

type Attendance = Schemas['AttendanceDto'];
type Specialist = Schemas['SpecialistResponseDto'];

const disciplines = (list: readonly string[]): string => list.map((d) => labelOf(DISCIPLINE_WORDS, d)).join(', ');

/** Who is in the room and for which discipline; whether the quorum is met; checking in and out. */
export function AttendancePanel(props: {
  sessionId: string;
  attendance: Attendance;
  specialists: Specialist[];
  me: Me;
  open: boolean;
  timeZone: string;
  onChanged: () => void;
}) {
  const { attendance, me } = props;
  const coordinator = me.role === 'coordinator';
  const q = attendance.quorum;
  const zone = zoneLabel(props.timeZone);
  const checkOut = async (userId: string, name: string): Promise<void> => {
    try {
      await ok(
        client.POST('/api/board-sessions/{id}/attendance/check-out', {
          params: { path: { id: props.sessionId } },
          body: userId === me.id ? {} : { userId },
        }),
      );
      toastSuccess(`${name} checked out.`);
      props.onChanged();
    } catch (err) {
      toastError(err);
    }
  };
  return html`<section aria-labelledby="attendance-h" class="attendance">
    <h2 id="attendance-h">Attendance</h2>
    <p role="status">
      ${
        q.met
          ? html`<${Badge} tone="success">Quorum met<//> Every required discipline is present
              (${disciplines(q.required)}).`
          : html`<${Badge} tone="warning">Quorum not met<//> Missing: ${disciplines(q.missing)}.`
      }
    </p>
    ${
      attendance.entries.length === 0
        ? html`<${EmptyState} title="Nobody has checked in yet" />`
        : html`<ul class="attendees">
            ${attendance.entries.map(
              (a) =>
                html`<li key=${`${a.userId}-${a.joinedAt}`} class="attendee">
                  <div>
                    <strong>${a.displayName}</strong>
                    <div>${labelOf(DISCIPLINE_WORDS, a.discipline)}</div>
                    <div class="muted">
                      ${`In ${clockTime(a.joinedAt, props.timeZone)} ${zone}`}${a.leftAt === null ? null : `, out ${clockTime(a.leftAt, props.timeZone)} ${zone}`}
                    </div>
                  </div>
                  <div class="attendee-state">
                    ${a.leftAt === null ? html`<${Badge} tone="success">Present<//>` : html`<${Badge}>Left<//>`}
                    ${
                      a.leftAt === null && (coordinator || a.userId === me.id)
                        ? html`<${Button}
                            variant="quiet"
                            label=${`Check out ${a.displayName}`}
                            onClick=${() => checkOut(a.userId, a.displayName)}
                            >Check out<//
                          >`
                        : null
                    }
                  </div>
                </li>`,
            )}
          </ul>`
    }
    ${props.open ? html`<${CheckIn} ...${props} />` : null}
  </section>`;
}

function CheckIn(props: {
  sessionId: string;
  attendance: Attendance;
  specialists: Specialist[];
  me: Me;
  onChanged: () => void;
}) {
  const coordinator = props.me.role === 'coordinator';
  const present = new Set(props.attendance.entries.filter((a) => a.leftAt === null).map((a) => a.userId));
  const people = coordinator
    ? props.specialists.filter((s) => !present.has(s.userId))
    : props.specialists.filter((s) => s.userId === props.me.id);
  const [userId, setUserId] = useState('');
  const [discipline, setDiscipline] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const who = coordinator ? people.find((p) => p.userId === userId) : people[0];
  const choices = who?.disciplines ?? [];
  const chosen =
    discipline !== '' && choices.includes(discipline as never) ? discipline : choices.length === 1 ? choices[0] : '';
  if (!coordinator && who === undefined)
    return html`<p class="muted">You are not a specialist of this clinic, so you do not count towards its quorum.</p>`;
  if (!coordinator && present.has(props.me.id)) return null;
  if (coordinator && people.length === 0)
    return html`<p class="muted">Every specialist of the clinic is checked in.</p>`;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (coordinator && who === undefined) return setErrors({ userId: 'Choose who is checking in' });
    if (chosen === '') return setErrors({ discipline: 'Choose the discipline they attend for' });
    try {
      await ok(
        client.POST('/api/board-sessions/{id}/attendance', {
          params: { path: { id: props.sessionId } },
          body: {
            discipline: chosen as Schemas['CheckInDto']['discipline'],
            ...(who === undefined || who.userId === props.me.id ? {} : { userId: who.userId }),
          },
        }),
      );
      toastSuccess(`${who?.displayName ?? 'You'} checked in for ${labelOf(DISCIPLINE_WORDS, chosen)}.`);
      setUserId('');
      setDiscipline('');
      setErrors({});
      props.onChanged();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<form class="check-in" aria-labelledby="check-in-h" onSubmit=${submit}>
    <h3 id="check-in-h">${coordinator ? 'Check someone in' : 'Check in'}</h3>
    <div class="field-row">
      ${
        coordinator
          ? SelectField({
              label: 'Specialist',
              name: 'check-in-user',
              value: userId,
              onInput: (v) => (setUserId(v), setDiscipline('')),
              options: people.map((p) => ({
                value: p.userId,
                label: `${p.displayName} (${disciplines(p.disciplines)})`,
              })),
              placeholder: 'Choose who…',
              error: errors.userId,
            })
          : null
      }
      ${SelectField({
        label: 'Attending for',
        name: 'check-in-discipline',
        value: chosen,
        onInput: setDiscipline,
        options: choices.map((d) => ({ value: d, label: labelOf(DISCIPLINE_WORDS, d) })),
        placeholder: choices.length === 0 ? 'Choose who first' : 'Choose the discipline…',
        error: errors.discipline,
      })}
    </div>
    ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
    <div class="actions">
      <button type="submit" class="btn btn-secondary">${coordinator ? 'Check in' : 'Check me in'}</button>
    </div>
  </form>`;
}
