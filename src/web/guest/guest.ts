import { io, type Socket } from 'socket.io-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { setTokens, tokens } from '../api/session.js';
import { PresenterViews, RoomViewer, type RoomEvent } from '../board/room-viewer.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { useLoad } from '../ui/use-load.js';

/**
 * The invitation link's page (no account yet): one button opens the
 * invitation, which works once; the guest then lands in their room.
 */
export function GuestInvite(props: { token: string }) {
  const [error, setError] = useState<string>();
  const join = async (): Promise<void> => {
    const res = await fetch('/api/guest-invitations/redemption', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: props.token }),
    });
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string };
      setError(problem.detail ?? 'The invitation could not be opened; try again later.');
      return;
    }
    const pair = (await res.json()) as { accessToken: string; refreshToken: string };
    navigate('/guest-room');
    setTokens(pair);
  };
  return html`<main class="guest-page">
    <h1>Invitation to a tumor board</h1>
    <p>
      The board has invited you to discuss your patient's case with it. You will see that case only, can speak in the
      discussion while it is presented, and follow what the presenter shows. The board members vote on the plan.
    </p>
    <p>The link works once: open it on the device you will use for the meeting.</p>
    <${Button} variant="primary" onClick=${join}>Join the board session<//>
    ${error === undefined ? null : html`<p class="warn" role="alert">${error}</p>`}
  </main>`;
}

interface Message {
  id: string;
  body: string;
  author: string;
  at: string;
  guest: boolean;
}

/** A guest's room: their case, the discussion about it, and the presenter's view. */
export function GuestRoom() {
  const view = useLoad(() => ok(client.GET('/api/guest/me')), []);
  const [events, setEvents] = useState<RoomEvent[]>([]);
  const [state, setState] = useState<'connecting' | 'connected' | 'ended'>('connecting');
  const [draft, setDraft] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const views = useRef(new PresenterViews());
  const socket = useRef<Socket | undefined>(undefined);
  const v = view.data;
  const sessionId = v?.sessionId;

  useEffect(() => {
    if (sessionId === undefined) return;
    const s = io('/board', { auth: (cb) => cb({ token: tokens()?.accessToken }), transports: ['websocket'] });
    socket.current = s;
    let last = '0';
    const add = (all: RoomEvent[]): void => {
      for (const e of all) if (BigInt(e.id) > BigInt(last)) last = e.id;
      views.current.take(all);
      const shown = all.filter((e) => e.type !== 'presenter.view');
      if (shown.some((e) => e.type === 'case.presenting')) view.reload();
      if (shown.length > 0)
        setEvents((prev) => {
          const seen = new Set(prev.map((e) => e.id));
          return [...prev, ...shown.filter((e) => !seen.has(e.id))];
        });
    };
    s.on('connect', () => {
      setState('connected');
      s.emit('session:join', { sessionId, afterId: last }, (ack: { events?: RoomEvent[] }) => add(ack.events ?? []));
    });
    s.on('event', (e: RoomEvent) => add([e]));
    // The server cuts a guest whose invitation was withdrawn or ended: there is no way back in.
    s.on('error', () => undefined);
    s.on('disconnect', (reason) => setState(reason === 'io server disconnect' ? 'ended' : 'connecting'));
    s.on('connect_error', () => setState('ended'));
    // Whether the board has the case on screen is read again now and then (other cases' events are not shown here).
    const poll = setInterval(() => view.reload(), 10_000);
    return () => {
      clearInterval(poll);
      s.close();
    };
  }, [sessionId]);

  if (state === 'ended')
    return html`<main class="guest-page">
      <h1>The board session has ended for you</h1>
      <p role="alert">Your invitation was withdrawn or has ended. Thank you for taking part.</p>
    </main>`;
  if (view.error !== undefined) return html`<main><${LoadError} text=${view.error} retry=${view.reload} /></main>`;
  if (v === undefined) return html`<main><${Loading} what="your invitation" /></main>`;
  const messages: Message[] = events
    .filter((e) => e.type === 'message.posted')
    .map((e) => ({
      id: e.id,
      body: String(e.payload.body ?? ''),
      author: String(e.payload.author ?? ''),
      at: e.at,
      guest: e.payload.guest === true,
    }));
  const send = (): void => {
    const body = draft.trim();
    if (body === '' || socket.current === undefined) return;
    socket.current.emit(
      'message:post',
      { sessionId: v.sessionId, caseId: v.caseId, body, clientMsgId: crypto.randomUUID() },
      (ack: { id?: string; error?: { detail?: string } }) => {
        if (ack.error !== undefined) setRefusal(ack.error.detail ?? 'The message was not accepted');
        else {
          setRefusal(undefined);
          setDraft('');
        }
      },
    );
  };
  const tz = v.timeZone;
  return html`<main class="guest-room">
    <h1>${v.clinicName} tumor board</h1>
    <p>
      ${`${v.sessionTitle}, ${dateTime(v.startsAt, tz)}. You are `}<strong>${v.guestName}</strong>, a guest for one
      case.
    </p>
    <section aria-labelledby="case-h" class="guest-case">
      <h2 id="case-h">Your patient: ${v.patientName} <span class="muted">(case ${v.caseReference})</span></h2>
      <p role="status" class=${v.presenting ? 'ok' : 'muted'}>
        ${
          v.presenting
            ? 'The board is discussing your case now.'
            : 'Waiting: the board will bring your case on screen. You can post once it does.'
        }
      </p>
      <span class="muted">${state === 'connected' ? 'Connected to the room' : 'Connecting…'}</span>
    </section>
    ${
      v.presenting
        ? html`<${RoomViewer}
            sessionId=${v.sessionId}
            caseId=${v.caseId}
            events=${events}
            views=${views.current}
            presenter=${false}
            timeZone=${tz}
            discipline=${undefined}
            nameOf=${() => ''}
            socket=${() => socket.current}
          />`
        : null
    }
    <section aria-labelledby="talk-h" class="guest-discussion">
      <h2 id="talk-h">Discussion of this case</h2>
      ${
        messages.length === 0
          ? html`<p class="muted">No messages about this case yet.</p>`
          : html`<ol class="messages">
              ${messages.map(
                (m) =>
                  html`<li key=${m.id}>
                    <strong>${m.author}</strong> <span class="muted">${dateTime(m.at, tz)}</span>
                    <div>${m.body}</div>
                  </li>`,
              )}
            </ol>`
      }
      <form
        onSubmit=${(e: Event) => {
          e.preventDefault();
          send();
        }}
      >
        <label for="guest-message">Your message to the board</label>
        <textarea
          id="guest-message"
          rows="3"
          disabled=${!v.presenting}
          value=${draft}
          onInput=${(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <${Button} type="submit" variant="primary" disabled=${!v.presenting || draft.trim() === ''}>Send<//>
        ${refusal === undefined ? null : html`<p class="warn" role="alert">${refusal}</p>`}
      </form>
    </section>
  </main>`;
}
