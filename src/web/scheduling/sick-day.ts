import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { ConfirmButton } from '../ui/button.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, clockTime, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { toastSuccess } from '../ui/toast.js';
import { type ClinicData, disciplineWords, specialistName } from './clinic-data.js';
import { type DayView, inWords } from './day-math.js';

type Repair = Schemas['RepairDto'];
type Appointment = Schemas['AppointmentDto'];

/**
 * Sick-day repair: a specialist is absent; their absence is recorded for the
 * day and only the itineraries it breaks are re-planned, around every other
 * booking (POST …/repair). What moved, and what could not, is shown after.
 */
export function SickDay(props: {
  clinicId: string;
  date: string;
  day: DayView;
  data: ClinicData;
  who: (caseId: string) => string;
  bySpecialist: Map<string, DayView['bySpecialist'][number]>;
  onRepaired: () => void;
}) {
  const tz = props.day.timeZone;
  const [specialistId, setSpecialistId] = useState('');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ repair: Repair; names: Map<string, string> } | null>(null);
  const chosen = props.bySpecialist.get(specialistId);
  const chosenName = specialistId === '' ? '' : specialistName(props.data, specialistId);
  // Away already (no free time left): only the repair is needed.
  const alreadyAway = chosen !== undefined && chosen.free.length === 0;
  const conflicts = props.day.bySpecialist.flatMap((s) =>
    s.appointments.filter((a) => a.conflict).map((a) => ({ ...a, specialistId: s.specialistId })),
  );
  const affected =
    chosen === undefined ? conflicts : chosen.appointments.map((a) => ({ ...a, specialistId: chosen.specialistId }));
  const cases = new Set(affected.map((a) => a.caseId));

  const apply = async (): Promise<void> => {
    if (chosen !== undefined && !alreadyAway) {
      await ok(
        client.POST('/api/specialists/{id}/exceptions', {
          params: { path: { id: chosen.specialistId } },
          body: {
            clinicId: props.clinicId,
            date: props.date,
            kind: 'away',
            ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
          },
        }),
      );
    }
    const repair = await ok(
      client.POST('/api/schedule/days/{date}/repair', {
        params: { path: { date: props.date } },
        body: { clinicId: props.clinicId },
      }),
    );
    const names = new Map(
      [...repair.moved.map((m) => m.caseId), ...repair.unplaced.map((u) => u.caseId)].map((id) => [id, props.who(id)]),
    );
    setResult({ repair, names });
    toastSuccess(
      repair.moved.length === 0 && repair.unplaced.length === 0
        ? 'Nothing needed moving.'
        : `${plural(repair.moved.length, 'patient')} moved${repair.unplaced.length === 0 ? '' : `, ${repair.unplaced.length} could not be placed`}.`,
    );
    setSpecialistId('');
    setReason('');
    props.onRepaired();
  };

  const visit = (a: { start: string; end: string; discipline: string; specialistId: string }) =>
    `${clockTime(a.start, tz)}–${clockTime(a.end, tz)} ${disciplineWords(a.discipline)} with ${specialistName(props.data, a.specialistId, a.discipline)}`;
  const attended = (list: Appointment[]): Appointment[] =>
    [...list].sort((x, y) => Date.parse(x.start) - Date.parse(y.start));

  return html`<section aria-labelledby="repair-h">
    <h2 id="repair-h">Sick-day repair</h2>
    <p class="hint">
      When a specialist cannot come, the day of each patient who was to see them is planned again around every other
      booking (their other visits may move too); patients who were not to see them keep their times. Tell the patients
      whose times change.
    </p>
    <div class="field-row">
      ${SelectField({
        label: 'Specialist who is absent',
        name: 'absent-specialist',
        value: specialistId,
        onInput: (v) => {
          setSpecialistId(v);
          setResult(null);
        },
        placeholder: 'Choose…',
        options: props.day.bySpecialist.map((s) => ({
          value: s.specialistId,
          label: `${specialistName(props.data, s.specialistId)} (${s.disciplines.map(disciplineWords).join(', ')})`,
        })),
      })}
      ${
        chosen === undefined || alreadyAway
          ? null
          : Field({ label: 'Reason (optional)', name: 'absent-reason', value: reason, onInput: setReason })
      }
    </div>
    ${
      chosen === undefined
        ? conflicts.length === 0
          ? null
          : html`<p>
              ${plural(conflicts.length, 'visit')} already conflict${conflicts.length === 1 ? 's' : ''} with a recorded
              absence; repairing the day moves ${conflicts.length === 1 ? 'it' : 'them'}.
            </p>`
        : html`<div>
            <p>
              ${alreadyAway ? `${chosenName} is already recorded as away this day. ` : ''}
              ${
                affected.length === 0
                  ? `${chosenName} has no visit this day; nothing will move.`
                  : `${plural(affected.length, 'appointment')} of ${plural(cases.size, 'patient')} with ${chosenName} will be planned again:`
              }
            </p>
            ${
              affected.length === 0
                ? null
                : html`<ul aria-label="Appointments to move">
                    ${affected.map((a) => html`<li key=${a.appointmentId}>${props.who(a.caseId)}: ${visit(a)}</li>`)}
                  </ul>`
            }
          </div>`
    }
    <div class="actions">
      <${ConfirmButton}
        disabled=${chosen === undefined && conflicts.length === 0}
        title=${chosen === undefined ? 'Repair the day?' : `Record ${chosenName} as away and move their visits?`}
        message=${html`<p>
            ${
              chosen === undefined || alreadyAway
                ? ''
                : `${chosenName} is recorded as away all day on ${calendarDate(props.date)}. `
            }
            The itineraries of ${plural(cases.size, 'patient')} are planned again on this day, around every other
            booking; their old times are cancelled.
          </p>
          <p>
            A patient who no longer fits this day loses their visits and their case goes back to “Ready to schedule”.
          </p>`}
        confirmLabel=${chosen === undefined || alreadyAway ? 'Move the visits' : 'Record the absence and move the visits'}
        onConfirm=${apply}
        >${chosen === undefined || alreadyAway ? 'Repair the day…' : 'Record the absence and repair…'}<//
      >
    </div>
    <div role="status" aria-live="polite">
      ${
        result === null
          ? null
          : html`<h3>Repaired</h3>
              ${
                result.repair.moved.length === 0 && result.repair.unplaced.length === 0
                  ? html`<p>No visit needed moving.</p>`
                  : null
              }
              ${
                result.repair.moved.length === 0
                  ? null
                  : html`<div class="table-wrap">
                      <table>
                        <caption class="muted">
                          Moved
                        </caption>
                        <thead>
                          <tr>
                            <th scope="col">Patient</th>
                            <th scope="col">Before</th>
                            <th scope="col">Now</th>
                          </tr>
                        </thead>
                        <tbody>
                          ${result.repair.moved.map(
                            (m) =>
                              html`<tr key=${m.caseId}>
                                <th scope="row"><a href=${`#/case/${m.caseId}`}>${result.names.get(m.caseId)}</a></th>
                                <td>
                                  <ul class="plain">
                                    ${attended(m.before).map((a) => html`<li key=${a.id}>${visit(a)}</li>`)}
                                  </ul>
                                </td>
                                <td>
                                  <ul class="plain">
                                    ${attended(m.after).map((a) => html`<li key=${a.id}>${visit(a)}</li>`)}
                                  </ul>
                                </td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>
                    </div>`
              }
              ${
                result.repair.unplaced.length === 0
                  ? null
                  : html`<div class="alert alert-warning">
                      <strong>Could not be placed again this day</strong> (their cases are ready to schedule again):
                      <ul>
                        ${result.repair.unplaced.map(
                          (u) => html`<li key=${u.caseId}>${result.names.get(u.caseId)}: ${inWords(u.reason)}</li>`,
                        )}
                      </ul>
                    </div>`
              }`
      }
    </div>
  </section>`;
}
