import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, post, tokens } from '../api/session.js';
import { html } from '../ui/html.js';
import { clockTime, zoneLabel } from '../ui/format.js';

// Views carried over from the first version of the app (untyped JSON); each is
// replaced by typed views of its area as the area is rebuilt.

import { type Json, type Page, useLoad, words } from '../shared/legacy.js';

export type { Json, Page };

interface BoardEvent {
  id: string;
  type: string;
  caseId: string | null;
  payload: Json;
  actor: string | null;
  at: string;
}

/** The plan before the board for the case on screen: votes, consensus, and the chair's signature. */
export function PlanPanel(props: { caseId: string; chairId: unknown; refreshKey: number }) {
  const me = useLoad(() => api<Json>('/api/users/me'), []).data;
  const { data, reload } = useLoad(
    () => api<Json[]>(`/api/cases/${props.caseId}/plans`),
    [props.caseId, props.refreshKey],
  );
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const plan = [...(data ?? [])].reverse().find((p) => p.status === 'proposed' || p.status === 'signed');
  if (plan === undefined) return html`<p>No plan proposed yet.</p>`;
  const url = `/api/cases/${props.caseId}/plans/${String(plan.id)}`;
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      setError(undefined);
      reload();
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.errors?.[0]?.messages.join('; ') ?? err.message) : 'Failed');
    }
  };
  const vote = (v: string) =>
    act(() =>
      api(`${url}/votes/me`, {
        method: 'PUT',
        body: JSON.stringify({ vote: v, ...(comment === '' ? {} : { comment }) }),
      }),
    );
  const consensus = plan.consensus as Json | null;
  return html`<div class="card" aria-label="Plan">
    <p>
      Plan version ${String(plan.number)}
      <span class="pill">${String(plan.status)}</span>
      ${consensus === null ? '' : consensus.met === true ? ' — consensus met' : ' — consensus not met'}
    </p>
    <ol>
      ${(plan.items as Json[]).map((i) => html`<li>${words(String(i.modality))} (${String(i.intent)})${i.description === undefined ? '' : ` — ${String(i.description)}`}</li>`)}
    </ol>
    <p>
      Votes:
      ${(plan.votes as Json[]).map((v) => `${words(String(v.discipline))} ${words(String(v.vote))}${v.comment === null ? '' : ` (${String(v.comment)})`}`).join('; ') || 'none'}
    </p>
    ${consensus === null ? null : html`<p>Missing: ${(consensus.missing as Json[]).map((m) => words(String(m.discipline))).join(', ') || 'nobody'}</p>`}
    ${
      plan.status !== 'proposed'
        ? null
        : html`<div>
            <label for="v-comment">Comment (required to disagree)</label
            ><input
              id="v-comment"
              value=${comment}
              onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
            />
            <p>
              ${['agree', 'agree_with_reservations', 'disagree', 'abstain'].map((v) => html`<button onClick=${() => void vote(v)}>${words(v)}</button> `)}
              ${me !== undefined && me.id === props.chairId ? html`<button onClick=${() => void act(() => post(`${url}/signature`, {}))}>Sign plan</button>` : null}
            </p>
          </div>`
    }
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}

export function Room(props: { id: string }) {
  const [events, setEvents] = useState<BoardEvent[]>([]);
  const [state, setState] = useState('connecting');
  const [presence, setPresence] = useState<Json[]>([]);
  const [text, setText] = useState('');
  const socket = useRef<Socket | undefined>(undefined);
  const lastId = useRef('0');
  const detail = useLoad(() => api<Json>(`/api/board-sessions/${props.id}`), [props.id, events.length]);
  // Times in the clinic's zone, labelled: the discussion is part of the record.
  const clinicId = detail.data === undefined ? undefined : String(detail.data.clinicId);
  const clinic = useLoad(
    async () => (clinicId === undefined ? undefined : api<Json>(`/api/clinics/${clinicId}`)),
    [clinicId],
  );
  const timeZone = clinic.data === undefined ? undefined : String(clinic.data.timeZone);
  useEffect(() => {
    const s = io('/board', { auth: (cb) => cb({ token: tokens()?.accessToken }), transports: ['websocket'] });
    socket.current = s;
    const add = (incoming: BoardEvent[]): void =>
      setEvents((prev) => {
        const seen = new Set(prev.map((e) => e.id));
        const fresh = incoming.filter((e) => !seen.has(e.id));
        for (const e of fresh) if (BigInt(e.id) > BigInt(lastId.current)) lastId.current = e.id;
        return [...prev, ...fresh];
      });
    s.on('connect', () => {
      setState('connected');
      // Rejoin with the last id seen: whatever was missed comes back in order.
      s.emit('session:join', { sessionId: props.id, afterId: lastId.current }, (ack: { events?: BoardEvent[] }) =>
        add(ack.events ?? []),
      );
    });
    s.on('disconnect', () => setState('reconnecting'));
    s.on('connect_error', () => setState('offline'));
    s.on('event', (e: BoardEvent) => add([e]));
    s.on('presence', (p: { users: Json[] }) => setPresence(p.users));
    // When the network goes, say so at once; when it comes back, reconnect (and replay).
    const offline = (): void => {
      s.disconnect();
      setState('offline');
    };
    const online = (): void => void s.connect();
    addEventListener('offline', offline);
    addEventListener('online', online);
    return () => {
      removeEventListener('offline', offline);
      removeEventListener('online', online);
      s.close();
    };
  }, [props.id]);
  const send = (e: Event): void => {
    e.preventDefault();
    if (text.trim() === '') return;
    socket.current?.emit(
      'message:post',
      { sessionId: props.id, body: text, clientMsgId: crypto.randomUUID() },
      () => undefined,
    );
    setText('');
  };
  const session = detail.data;
  const quorum = (session?.attendance as Json | undefined)?.quorum as Json | undefined;
  const banners = events.filter((e) => e.type === 'diagnosis.changed');
  return html`<main>
    <p><a href=${`#/board/${props.id}`}>← The session</a></p>
    <h1>${String(session?.title ?? 'Board room')}</h1>
    <p>
      Connection: <strong class=${`state-${state}`} data-testid="connection">${state}</strong>
      ${` · present: ${presence.map((u) => String(u.displayName)).join(', ')}`}
    </p>
    ${banners.map((b) => html`<p class="banner" role="status">Diagnosis ${String(b.payload.concordance)} change: ${(b.payload.changeTypes as string[]).map(words).join(', ')}</p>`)}
    <div class="grid">
      <section aria-label="Agenda">
        <h2>Agenda</h2>
        <ol>
          ${((session?.agenda as Json[] | undefined) ?? []).map((a) => html`<li>${a.caseId === session?.presentingCaseId ? html`<strong>now presenting </strong>` : ''}<a href=${`#/case/${String(a.caseId)}`}>${String((a.patient as Json).familyName).toUpperCase()}, ${String((a.patient as Json).givenName)}</a> MRN ${String((a.patient as Json).mrn)} ${words(String(a.mode))}</li>`)}
        </ol>
        <h2>Attendance</h2>
        <p>
          ${quorum === undefined ? '' : quorum.met === true ? 'Quorum met' : `Quorum not met: missing ${(quorum.missing as string[]).map(words).join(', ')}`}
        </p>
      </section>
      <section aria-label="Plan for the case on screen">
        <h2>Plan</h2>
        ${
          session?.presentingCaseId == null
            ? html`<p>No case on screen.</p>`
            : html`<${PlanPanel}
                caseId=${String(session.presentingCaseId)}
                chairId=${session.chairId}
                refreshKey=${events.filter((e) => e.type.startsWith('plan.')).length}
              />`
        }
      </section>
      <section aria-label="Discussion">
        <h2>Discussion</h2>
        ${timeZone === undefined ? null : html`<p class="muted">Times in ${timeZone} (${zoneLabel(timeZone)})</p>`}
        <ul class="stream" data-testid="stream" tabindex="0" aria-label="Messages and events">
          ${events.map((e) => html`<li data-type=${e.type}>${timeZone === undefined ? '' : clockTime(e.at, timeZone)} ${e.type === 'message.posted' ? html`<strong>${String(e.payload.author ?? '')}</strong>: ${String(e.payload.body)}` : words(e.type)}</li>`)}
        </ul>
        <form onSubmit=${send} aria-label="Post a message">
          <label for="m-text">Message</label
          ><input id="m-text" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit" class="btn btn-primary">Post</button>
        </form>
      </section>
    </div>
  </main>`;
}
