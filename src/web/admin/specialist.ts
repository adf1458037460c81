import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { navigate, useHashPath } from '../router.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, isoDateIn, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { errorsUnder } from './clinic-form.js';
import { allClinics, type Clinic } from './data.js';
import { ProfessionForm } from './specialist-profession.js';
import { DisciplineChoice } from './specialists.js';
import { disciplineWords, WEEKDAYS, type Discipline } from './words.js';

type Specialist = Schemas['SpecialistResponseDto'];
type Window = Schemas['WeeklyWindowDto'];

function Disciplines(props: { specialist: Specialist; onSaved: () => void }) {
  const s = props.specialist;
  const [value, setValue] = useState<Discipline[]>(s.disciplines);
  const [error, setError] = useState<string>();
  const same = value.length === s.disciplines.length && value.every((d) => s.disciplines.includes(d));
  const save = async (): Promise<void> => {
    if (value.length === 0) {
      setError('Choose at least one discipline');
      return;
    }
    try {
      await ok(client.PATCH('/api/specialists/{id}', { params: { path: { id: s.id } }, body: { disciplines: value } }));
      setError(undefined);
      toastSuccess(`The disciplines of ${s.displayName} are saved.`);
      props.onSaved();
    } catch (err) {
      setError(fieldErrors(err).disciplines ?? problemText(err));
    }
  };
  return html`<section aria-labelledby="disciplines-h">
    <h2 id="disciplines-h">Disciplines</h2>
    <${DisciplineChoice}
      legend="Sits on the board for"
      name="edit-discipline"
      value=${value}
      onInput=${setValue}
      error=${error}
    />
    <div class="actions"><${Button} disabled=${same} onClick=${save}>Save disciplines<//></div>
  </section>`;
}

/** The weekly hours: per weekday, the windows in the clinic's wall-clock time. */
function WeeklyHours(props: { specialist: Specialist; clinic: Clinic }) {
  const { specialist: s, clinic: c } = props;
  const zone = zoneLabel(c.timeZone);
  const [draft, setDraft] = useState<Window[]>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const weekly = useLoad(async () => {
    const w = await ok(
      client.GET('/api/specialists/{id}/weekly-availability', {
        params: { path: { id: s.id }, query: { clinicId: c.id } },
      }),
    );
    setDraft(w.windows);
    return w;
  }, [s.id, c.id]);
  if (weekly.error !== undefined) return html`<${LoadError} text=${weekly.error} retry=${weekly.reload} />`;
  if (draft === undefined) return html`<${Loading} what="the weekly hours" />`;
  const windows = draft;
  const update = (i: number, patch: Partial<Window>): void =>
    setDraft(windows.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    // Sent by day, then by start, so the errors' indexes match what is shown.
    const sorted = [...windows].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
    try {
      await ok(
        client.PUT('/api/specialists/{id}/availability', {
          params: { path: { id: s.id } },
          body: { clinicId: c.id, windows: sorted },
        }),
      );
      setErrors({});
      setDraft(sorted);
      toastSuccess(`The weekly hours of ${s.displayName} in ${c.name} are saved.`);
    } catch (err) {
      setDraft(sorted);
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<section aria-labelledby="weekly-h">
    <h2 id="weekly-h">Weekly hours in ${c.name}</h2>
    <p class="hint">
      Times are the clinic’s own (${c.timeZone.replace(/_/g, ' ')}, ${zone}). A day with no hours is a day off.
    </p>
    <form onSubmit=${save} aria-labelledby="weekly-h" novalidate>
      <div class="table-wrap">
        <table class="week-grid">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Hours (${zone})</th>
            </tr>
          </thead>
          <tbody>
            ${WEEKDAYS.map((day, d) => {
              const weekday = d + 1;
              const rows = windows.map((w, i) => ({ w, i })).filter((x) => x.w.weekday === weekday);
              return html`<tr key=${weekday}>
                <th scope="row">${day}</th>
                <td>
                  ${rows.length === 0 ? html`<span class="muted">Not available</span>` : null}
                  ${rows.map(
                    ({ w, i }, n) =>
                      html`<div class="window" key=${i}>
                        <label for=${`w-${i}-start`} class="window-label">${day} ${n + 1}: from</label>
                        <input
                          id=${`w-${i}-start`}
                          type="time"
                          value=${w.start}
                          aria-invalid=${errors[`windows[${i}].start`] !== undefined}
                          onInput=${(e: Event) => update(i, { start: (e.target as HTMLInputElement).value })}
                        />
                        <label for=${`w-${i}-end`} class="window-label"
                          ><span class="sr-only">${day} ${n + 1}: </span>to</label
                        >
                        <input
                          id=${`w-${i}-end`}
                          type="time"
                          value=${w.end}
                          aria-invalid=${errors[`windows[${i}].end`] !== undefined}
                          aria-describedby=${errors[`windows[${i}].end`] === undefined ? undefined : `w-${i}-error`}
                          onInput=${(e: Event) => update(i, { end: (e.target as HTMLInputElement).value })}
                        />
                        <${Button}
                          variant="quiet"
                          label=${`Remove ${day} ${w.start}–${w.end}`}
                          onClick=${() => setDraft(windows.filter((_, j) => j !== i))}
                          >Remove<//
                        >
                        ${
                          errorsUnder(errors, `windows[${i}]`) === undefined
                            ? null
                            : html`<p id=${`w-${i}-error`} class="error" role="alert">
                                ${errorsUnder(errors, `windows[${i}]`)}
                              </p>`
                        }
                      </div>`,
                  )}
                  <${Button}
                    variant="quiet"
                    label=${`Add hours on ${day}`}
                    onClick=${() => setDraft([...windows, { weekday, start: c.dayStart, end: c.dayEnd }])}
                    >Add hours<//
                  >
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
      <div class="actions"><${Button} variant="primary" type="submit">Save weekly hours<//></div>
    </form>
  </section>`;
}

/** Days between two YYYY-MM-DD dates, both included (at most a year). */
function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end && out.length < 366) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

const KIND_WORDS = { away: 'Away', extra: 'Extra hours' } as const;

/** Time away (a day or part of one) and extra hours, upcoming first. */
function Exceptions(props: { specialist: Specialist; clinic: Clinic }) {
  const { specialist: s, clinic: c } = props;
  const zone = zoneLabel(c.timeZone);
  const today = isoDateIn(new Date(), c.timeZone);
  const list = useLoad(
    () =>
      ok(
        client.GET('/api/specialists/{id}/exceptions', {
          params: { path: { id: s.id }, query: { clinicId: c.id, from: today } },
        }),
      ),
    [s.id, c.id],
  );
  const [kind, setKind] = useState<'away' | 'extra'>('away');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (from === '') local.date = 'Choose the first day';
    else if (to !== '' && to < from) local.to = 'The last day comes after the first';
    if (kind === 'extra' && (start === '' || end === '')) local.start = 'Extra hours need a start and an end';
    if ((start === '') !== (end === '')) local.start = 'Give both a start and an end, or neither for the whole day';
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    const days = datesFrom(from, to === '' ? from : to);
    try {
      for (const date of days)
        await ok(
          client.POST('/api/specialists/{id}/exceptions', {
            params: { path: { id: s.id } },
            body: {
              clinicId: c.id,
              date,
              kind,
              ...(start === '' ? {} : { start, end }),
              ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
            },
          }),
        );
      setErrors({});
      setFrom('');
      setTo('');
      setStart('');
      setEnd('');
      setReason('');
      toastSuccess(
        `${KIND_WORDS[kind]} recorded for ${days.length === 1 ? calendarDate(days[0] ?? from) : `${days.length} days`}.`,
      );
      list.reload();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
      list.reload();
    }
  };
  return html`<section aria-labelledby="exceptions-h">
    <h2 id="exceptions-h">Time away and extra hours in ${c.name}</h2>
    ${list.error === undefined ? null : html`<${LoadError} text=${list.error} retry=${list.reload} />`}
    ${
      list.data === undefined
        ? null
        : list.data.length === 0
          ? html`<${EmptyState} title="Nothing planned from today" />`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">What</th>
                    <th scope="col">Hours (${zone})</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.data.map(
                    (x) =>
                      html`<tr key=${x.id}>
                        <th scope="row">${calendarDate(x.date)}</th>
                        <td>${KIND_WORDS[x.kind]}</td>
                        <td>${x.start === null ? 'Whole day' : `${x.start}–${x.end ?? ''}`}</td>
                        <td>${x.reason ?? html`<span class="muted">None given</span>`}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    <form onSubmit=${submit} aria-label="Add time away or extra hours" novalidate>
      <h3>Add time away or extra hours</h3>
      <div class="field-row">
        ${SelectField({
          label: 'What',
          name: 'exception-kind',
          value: kind,
          onInput: (v) => setKind(v === 'extra' ? 'extra' : 'away'),
          options: [
            { value: 'away', label: 'Away (not available)' },
            { value: 'extra', label: 'Extra hours (available)' },
          ],
        })}
        ${Field({ label: 'First day', name: 'exception-from', type: 'date', value: from, onInput: setFrom, required: true, error: errors.date })}
        ${Field({
          label: 'Last day',
          name: 'exception-to',
          type: 'date',
          value: to,
          onInput: setTo,
          hint: 'Leave empty for one day.',
          error: errors.to,
        })}
      </div>
      <div class="field-row">
        ${Field({
          label: `From (${zone})`,
          name: 'exception-start',
          type: 'time',
          value: start,
          onInput: setStart,
          hint: kind === 'away' ? 'Leave both times empty for the whole day.' : undefined,
          error: errors.start,
        })}
        ${Field({ label: `To (${zone})`, name: 'exception-end', type: 'time', value: end, onInput: setEnd, error: errors.end })}
        ${Field({ label: 'Reason', name: 'exception-reason', value: reason, onInput: setReason, error: errors.reason })}
      </div>
      ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
      <div class="actions"><${Button} type="submit">Add<//></div>
    </form>
  </section>`;
}

/** One specialist: disciplines, and per clinic the weekly hours and the time away. */
export function SpecialistPage(props: { id: string }) {
  const { query } = useHashPath();
  const data = useLoad(async () => {
    const [specialist, clinics] = await Promise.all([
      ok(client.GET('/api/specialists/{id}', { params: { path: { id: props.id } } })),
      allClinics(),
    ]);
    return { specialist, clinics };
  }, [props.id]);
  const s = data.data?.specialist;
  const theirs = (data.data?.clinics ?? []).filter((c) => s?.clinicIds.includes(c.id) ?? false);
  const clinic = theirs.find((c) => c.id === query.get('clinic')) ?? theirs[0];
  return html`<main class="admin">
    <${AdminNav} current="#/admin/specialists" />
    <p><a href=${`#/admin/specialists${clinic === undefined ? '' : `?clinic=${clinic.id}`}`}>All specialists</a></p>
    <h1>${s?.displayName ?? 'Specialist'}</h1>
    ${data.error === undefined ? null : html`<${LoadError} text=${data.error} retry=${data.reload} />`}
    ${
      s === undefined
        ? data.error === undefined
          ? html`<${Loading} what="the specialist" />`
          : null
        : html`<p>
              ${s.disciplines.map(disciplineWords).join(', ')}. <a href=${`#/admin/users/${s.userId}`}>Their account</a>
            </p>
            <${Disciplines} key=${s.disciplines.join()} specialist=${s} onSaved=${data.reload} />
            <${ProfessionForm} key=${`${s.profession}|${s.credentials}`} specialist=${s} onSaved=${data.reload} />
            ${
              clinic === undefined
                ? null
                : html`${
                      theirs.length < 2
                        ? null
                        : html`<div class="field-row">
                            ${SelectField({
                              label: 'Clinic',
                              name: 'specialist-clinic',
                              value: clinic.id,
                              onInput: (id) => navigate(`/admin/specialists/${s.id}?clinic=${id}`),
                              options: theirs.map((c) => ({ value: c.id, label: c.name })),
                            })}
                          </div>`
                    }
                    <${WeeklyHours} key=${`w-${clinic.id}`} specialist=${s} clinic=${clinic} />
                    <${Exceptions} key=${`x-${clinic.id}`} specialist=${s} clinic=${clinic} />`
            }`
    }
  </main>`;
}
