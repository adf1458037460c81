import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { navigate } from '../router.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { clockTime, dateTime, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { formErrors, SessionForm, timesOf, type SessionDraft } from './session-form.js';
import { SessionStatusBadge } from './words.js';

type Clinic = Schemas['ClinicResponseDto'];

const loadClinics = () => ok(client.GET('/api/clinics', { params: { query: { limit: 200 } } })).then((p) => p.items);

/** "3 Dec 2026, 12:00–13:30 MST": a session's time in its clinic's zone. */
export function sessionWhen(s: { startsAt: string; endsAt: string }, timeZone: string): string {
  const start = dateTime(s.startsAt, timeZone);
  // "3 Dec 2026, 12:00 MST" → put the end before the zone label.
  const cut = start.lastIndexOf(' ');
  return `${start.slice(0, cut)}–${clockTime(s.endsAt, timeZone)}${start.slice(cut)}`;
}

/** The board sessions of the user's clinics, soonest first; coordinators schedule new ones. */
export function BoardSessions(props: { me: Me }) {
  const clinics = useLoad(loadClinics, []);
  const sessions = useLoad(() => ok(client.GET('/api/board-sessions', { params: { query: { limit: 200 } } })), []);
  const coordinator = props.me.role === 'coordinator';
  const head = html`<div class="page-head">
      <h1>Board sessions</h1>
      ${coordinator ? html`<a class="btn btn-primary" href="#/board/new">New session</a>` : null}
    </div>
    ${coordinator ? html`<p><a href=${`#/board/rosters/${new Date().getFullYear()}`}>Attendance rosters (CME)</a></p>` : null}`;
  const error = clinics.error ?? sessions.error;
  if (error !== undefined)
    return html`<main>
      ${head}<${LoadError} text=${error} retry=${() => (clinics.reload(), sessions.reload())} />
    </main>`;
  if (clinics.data === undefined || sessions.data === undefined)
    return html`<main>${head}<${Loading} what="the sessions" /></main>`;
  const byId = new Map<string, Clinic>(clinics.data.map((c) => [c.id, c]));
  const items = sessions.data.items;
  return html`<main>
    ${head}
    ${
      items.length === 0
        ? html`<${EmptyState} title="No board session yet"
            >${coordinator ? 'Schedule one with “New session”; then put ready cases on its agenda.' : 'Your coordinators schedule them.'}<//
          >`
        : html`<div class="table-wrap">
            <table class="sessions">
              <caption class="sr-only">
                Board sessions, soonest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">When</th>
                  <th scope="col">Clinic</th>
                  <th scope="col">Status</th>
                  <th scope="col">Cases</th>
                </tr>
              </thead>
              <tbody>
                ${items.map((s) => {
                  const clinic = byId.get(s.clinicId);
                  const tz = clinic?.timeZone ?? 'UTC';
                  return html`<tr key=${s.id}>
                    <th scope="row"><a href=${`#/board/${s.id}`}>${s.title}</a></th>
                    <td>${sessionWhen(s, tz)}</td>
                    <td>${clinic?.name ?? 'Another clinic'}</td>
                    <td><${SessionStatusBadge} status=${s.status} /></td>
                    <td>${plural(s.caseCount, 'case')}</td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
    }
  </main>`;
}

/** Scheduling a session: clinic, title, date and times in the clinic's zone, place and chair. */
export function NewSession() {
  const clinics = useLoad(loadClinics, []);
  const [draft, setDraft] = useState<SessionDraft>({
    clinicId: '',
    title: '',
    date: '',
    start: '',
    end: '',
    location: '',
    videoUrl: '',
    chairId: '',
  });
  const clinicId = draft.clinicId !== '' ? draft.clinicId : clinics.data?.length === 1 ? clinics.data[0].id : '';
  const specialists = useLoad(
    async () => (clinicId === '' ? [] : ok(client.GET('/api/specialists', { params: { query: { clinicId } } }))),
    [clinicId],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (clinics.error !== undefined)
    return html`<main>
      <h1>New board session</h1>
      <${LoadError} text=${clinics.error} retry=${clinics.reload} />
    </main>`;
  if (clinics.data === undefined)
    return html`<main>
      <h1>New board session</h1>
      <${Loading} />
    </main>`;
  const list = clinics.data;
  const submit = async (): Promise<void> => {
    const clinic = list.find((c) => c.id === clinicId);
    if (clinic === undefined) return setErrors({ clinicId: 'Choose the clinic' });
    const times = timesOf(draft, clinic.timeZone);
    if ('field' in times) return setErrors({ [times.field]: times.message });
    try {
      const created = await ok(
        client.POST('/api/board-sessions', {
          body: {
            clinicId,
            title: draft.title,
            ...times,
            ...(draft.location.trim() === '' ? {} : { location: draft.location }),
            ...(draft.videoUrl.trim() === '' ? {} : { videoUrl: draft.videoUrl.trim() }),
            ...(draft.chairId === '' ? {} : { chairId: draft.chairId }),
          },
        }),
      );
      toastSuccess(`“${created.title}” is scheduled. Add cases to its agenda.`);
      navigate(`/board/${created.id}`);
    } catch (err) {
      const fields = formErrors(fieldErrors(err));
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<main>
    <p><a href="#/board">← Board sessions</a></p>
    <h1>New board session</h1>
    ${
      list.length === 0
        ? html`<${EmptyState} title="You are not a coordinator of any clinic">An administrator adds you to one.<//>`
        : html`<${SessionForm}
            draft=${{ ...draft, clinicId }}
            onDraft=${setDraft}
            clinics=${list}
            specialists=${specialists.data ?? []}
            errors=${errors}
            chooseClinic=${true}
            submitLabel="Schedule the session"
            onSubmit=${submit}
          />`
    }
  </main>`;
}
