import { useState } from 'preact/hooks';
import { ApiError } from '../api/session.js';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { GuestsPanel } from './guests.js';
import { Agenda } from './agenda.js';
import { AttendancePanel } from './attendance.js';
import { RosterPanel } from './roster.js';
import { draftOf, formErrors, SessionForm, timesOf, type SessionDraft } from './session-form.js';
import { sessionWhen } from './sessions.js';
import { TranscriptPanel } from './transcript-view.js';
import { SessionStatusBadge } from './words.js';

type Session = Schemas['BoardSessionDetailDto'];

/** The session with the ETag to send back when editing it. */
async function loadSession(id: string): Promise<{ session: Session; etag: string }> {
  const call = client.GET('/api/board-sessions/{id}', { params: { path: { id } } });
  const session = await ok(call);
  const etag = (await call).response.headers.get('etag') ?? `"${session.version}"`;
  return { session, etag };
}

/** What the roster depends on: the stays and the session's times and status (not its agenda). */
const rosterKey = (s: Session): string =>
  [
    s.status,
    s.startsAt,
    s.endsAt,
    ...s.attendance.entries.map((a) => `${a.userId}:${a.joinedAt}:${a.leftAt ?? ''}`),
  ].join('|');

const STALE =
  'Someone else changed this session since you opened it. Reload to see their changes, then make yours again.';

/**
 * A board session: when and where, its agenda, who attends, and the
 * transcript. Coordinators edit and cancel it; the live room is one link away.
 */
export function SessionPage(props: { id: string; me: Me }) {
  const loaded = useLoad(() => loadSession(props.id), [props.id]);
  const sessionClinic = loaded.data?.session.clinicId;
  const clinic = useLoad(
    async () =>
      sessionClinic === undefined
        ? undefined
        : ok(client.GET('/api/clinics/{id}', { params: { path: { id: sessionClinic } } })),
    [sessionClinic],
  );
  const specialists = useLoad(
    async () =>
      sessionClinic === undefined
        ? []
        : ok(client.GET('/api/specialists', { params: { query: { clinicId: sessionClinic } } })),
    [sessionClinic],
  );
  const [editing, setEditing] = useState<SessionDraft>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [stale, setStale] = useState<string>();
  const [changes, setChanges] = useState(0);
  const back = html`<p><a href="#/board">← Board sessions</a></p>`;
  if (loaded.error !== undefined)
    return html`<main>
      ${back}
      <h1>Board session</h1>
      <${LoadError} text=${loaded.error} retry=${loaded.reload} />
    </main>`;
  if (loaded.data === undefined || clinic.data === undefined)
    return html`<main>
      ${back}
      <h1>Board session</h1>
      <${Loading} what="the session" />
    </main>`;
  const { session: s, etag } = loaded.data;
  const c = clinic.data;
  const tz = c.timeZone;
  const coordinator = props.me.role === 'coordinator';
  const open = s.status === 'scheduled' || s.status === 'in_progress';
  const chair = (specialists.data ?? []).find((x) => x.userId === s.chairId);
  const changed = (): void => {
    setChanges((n) => n + 1);
    loaded.reload();
  };

  const save = async (body: Schemas['UpdateBoardSessionDto'], done: string): Promise<boolean> => {
    try {
      await ok(
        client.PATCH('/api/board-sessions/{id}', {
          params: { path: { id: s.id }, header: { 'If-Match': etag } },
          body,
        }),
      );
      toastSuccess(done);
      setStale(undefined);
      changed();
      return true;
    } catch (err) {
      if (err instanceof ApiError && (err.problem.status === 412 || err.problem.status === 428)) {
        setStale(STALE);
        return false;
      }
      throw err;
    }
  };
  const submitEdit = async (): Promise<void> => {
    if (editing === undefined) return;
    const times = timesOf(editing, tz);
    if ('field' in times) return setErrors({ [times.field]: times.message });
    try {
      const saved = await save(
        {
          title: editing.title,
          ...times,
          location: editing.location.trim() === '' ? null : editing.location,
          videoUrl: editing.videoUrl.trim() === '' ? null : editing.videoUrl.trim(),
          chairId: editing.chairId === '' ? null : editing.chairId,
        },
        'The session is saved.',
      );
      if (saved) {
        setEditing(undefined);
        setErrors({});
      }
    } catch (err) {
      const fields = formErrors(fieldErrors(err));
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  const reloadStale = (): void => {
    setStale(undefined);
    setEditing(undefined);
    setErrors({});
    loaded.reload();
  };

  return html`<main class="board-session">
    ${back}
    <div class="page-head">
      <h1>${s.title}</h1>
      <${SessionStatusBadge} status=${s.status} />
    </div>
    <dl class="session-facts">
      <div>
        <dt>When</dt>
        <dd>${sessionWhen(s, tz)}</dd>
      </div>
      <div>
        <dt>Clinic</dt>
        <dd>${c.name}</dd>
      </div>
      <div>
        <dt>Place</dt>
        <dd>${s.location ?? 'Not given'}</dd>
      </div>
      <div>
        <dt>Video</dt>
        <dd>
          ${s.videoUrl === null ? 'No video link' : html`<a href=${s.videoUrl} rel="noopener noreferrer" target="_blank">Join the video call</a>`}
        </dd>
      </div>
      <div>
        <dt>Chair</dt>
        <dd>
          ${chair === undefined ? (s.chairId === null ? 'No chair yet' : 'A clinician of the clinic') : `${chair.displayName} (${chair.disciplines.map((d) => labelOf(DISCIPLINE_WORDS, d)).join(', ')})`}
        </dd>
      </div>
    </dl>
    ${
      stale === undefined
        ? null
        : html`<div class="alert alert-warning" role="alert">
            ${stale} <${Button} onClick=${reloadStale}>Reload<//>
          </div>`
    }
    <div class="actions">
      ${
        s.status === 'cancelled'
          ? null
          : html`<a
              class=${`btn ${editing === undefined ? 'btn-primary' : 'btn-secondary'}`}
              href=${`#/board/${s.id}/room`}
              >Open the live room</a
            >`
      }
      ${coordinator && open && editing === undefined ? html`<${Button} onClick=${() => (setEditing(draftOf(s, tz)), setErrors({}))}>Edit<//>` : null}
      ${
        coordinator && s.status === 'scheduled'
          ? html`<${ConfirmButton}
              title="Cancel this session?"
              message=${html`<p>
                “${s.title}” on ${sessionWhen(s, tz)} is cancelled for everyone. A cancelled session cannot be held or
                scheduled again; its cases can be put on another session’s agenda.
              </p>`}
              confirmLabel="Cancel the session"
              onConfirm=${() => save({ status: 'cancelled' }, 'The session is cancelled.')}
              >Cancel session<//
            >`
          : null
      }
    </div>
    ${
      editing === undefined
        ? null
        : html`<section aria-labelledby="edit-h" class="card">
            <h2 id="edit-h">Edit the session</h2>
            <${SessionForm}
              draft=${editing}
              onDraft=${setEditing}
              clinics=${[c]}
              specialists=${specialists.data ?? []}
              errors=${errors}
              chooseClinic=${false}
              submitLabel="Save changes"
              onSubmit=${submitEdit}
              onCancel=${() => (setEditing(undefined), setErrors({}))}
            />
          </section>`
    }
    <div class="session-columns">
      <${Agenda}
        session=${s}
        timeZone=${tz}
        canManage=${coordinator && open}
        canPresent=${open && (coordinator || props.me.id === s.chairId)}
        onChanged=${changed}
      />
      <div>
        <${AttendancePanel}
          sessionId=${s.id}
          attendance=${s.attendance}
          specialists=${specialists.data ?? []}
          me=${props.me}
          open=${open}
          timeZone=${tz}
          onChanged=${changed}
        />
        <${TranscriptPanel} sessionId=${s.id} title=${s.title} timeZone=${tz} refreshKey=${changes} />
      </div>
    </div>
    <${GuestsPanel} sessionId=${s.id} agenda=${s.agenda} timeZone=${tz} me=${props.me} open=${open} />
    <${RosterPanel}
      sessionId=${s.id}
      clinicId=${s.clinicId}
      startsAt=${s.startsAt}
      timeZone=${tz}
      me=${props.me}
      attended=${s.attendance.entries.some((a) => a.userId === props.me.id)}
      refreshKey=${rosterKey(s)}
    />
  </main>`;
}
