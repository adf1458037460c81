import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { client, ok, type Schemas } from '../api/client.js';
import { tokens } from '../api/session.js';
import type { Me } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { clockTime, dateTime, plural, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import {
  CHANGE_TYPE_WORDS,
  DISCIPLINE_WORDS,
  FINDING_TYPE_WORDS,
  INTENT_WORDS,
  MODALITY_WORDS,
  labelOf,
} from '../ui/labels.js';
import { PatientBanner } from '../ui/patient-banner.js';
import { problemText } from '../ui/problem.js';
import { toastError, toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { Agenda } from './agenda.js';
import { PresenterViews, RoomViewer } from './room-viewer.js';
import { AttendancePanel } from './attendance.js';
import { patientName, sessionStatusWords } from './words.js';

type Session = Schemas['BoardSessionDetailDto'];
type Item = Schemas['AgendaItemDto'];

// The socket's events and the plan API's answers are not described by the API
// document, so their shapes are written here (README "Realtime", src/plans).
interface BoardEvent {
  id: string;
  type: string;
  caseId: string | null;
  payload: Record<string, unknown>;
  actor: string | null;
  at: string;
}
interface PlanView {
  id: string;
  number: number;
  status: 'draft' | 'proposed' | 'signed' | 'superseded' | 'withdrawn';
  items: { modality: string; intent: string; description?: string }[];
  signedAt: string | null;
  signedBy: string | null;
  votes: { voterId: string; discipline: string; vote: string; comment: string | null }[];
  consensus: {
    met: boolean;
    missing: { discipline: string }[];
    blocking: { discipline: string; reason: 'no_vote' | 'no_agreement' | 'dissent' }[];
  } | null;
}
interface Pending {
  clientMsgId: string;
  body: string;
  failed?: string;
}

const VOTE_WORDS: Record<string, string> = {
  agree: 'Agree',
  agree_with_reservations: 'Agree with reservations',
  disagree: 'Disagree',
  abstain: 'Abstain',
};
const BLOCK_WORDS: Record<string, string> = {
  no_vote: 'has not voted',
  no_agreement: 'has not agreed',
  dissent: 'disagrees',
};
const discipline = (d: string): string => labelOf(DISCIPLINE_WORDS, d);
const minutes = (ms: number): string => (ms < 60_000 ? 'under a minute' : plural(Math.floor(ms / 60_000), 'minute'));

/** The live board room: the case on screen, who is here, the plan and the discussion. */
export function Room(props: { id: string; me: Me }) {
  const [events, setEvents] = useState<BoardEvent[]>([]);
  const [state, setState] = useState<'connecting' | 'connected' | 'reconnecting' | 'offline'>('connecting');
  const [pending, setPending] = useState<Pending[]>([]);
  const [text, setText] = useState('');
  const [liveFrom, setLiveFrom] = useState<string>();
  const socket = useRef<Socket | undefined>(undefined);
  const views = useRef(new PresenterViews());
  const lastId = useRef('0');
  const pendingRef = useRef<Pending[]>([]);
  pendingRef.current = pending;
  /** Events that change the session itself (not messages, votes or annotations; where the presenter looks is not in `events`). */
  const changes = events.filter(
    (e) => !e.type.startsWith('message.') && !e.type.startsWith('plan.') && e.type !== 'annotation.added',
  ).length;
  const loaded = useLoad(
    () => ok(client.GET('/api/board-sessions/{id}', { params: { path: { id: props.id } } })),
    [props.id, changes],
  );
  const clinicId = loaded.data?.clinicId;
  const clinic = useLoad(
    async () =>
      clinicId === undefined ? undefined : ok(client.GET('/api/clinics/{id}', { params: { path: { id: clinicId } } })),
    [clinicId],
  );
  const specialists = useLoad(
    async () => (clinicId === undefined ? [] : ok(client.GET('/api/specialists', { params: { query: { clinicId } } }))),
    [clinicId],
  );

  const emit = (s: Socket, p: Pending): void => {
    s.emit(
      'message:post',
      { sessionId: props.id, body: p.body, clientMsgId: p.clientMsgId },
      (ack: { id?: string; error?: { detail?: string; title?: string } }) => {
        if (ack.error !== undefined) {
          const why = ack.error.detail ?? ack.error.title ?? 'the server refused it';
          setPending((prev) => prev.map((x) => (x.clientMsgId === p.clientMsgId ? { ...x, failed: why } : x)));
        } else setPending((prev) => prev.filter((x) => x.clientMsgId !== p.clientMsgId));
      },
    );
  };

  useEffect(() => {
    const s = io('/board', { auth: (cb) => cb({ token: tokens()?.accessToken }), transports: ['websocket'] });
    socket.current = s;
    const add = (all: BoardEvent[]): void => {
      for (const e of all) if (BigInt(e.id) > BigInt(lastId.current)) lastId.current = e.id;
      // Where the presenter looks goes to the viewer alone; the room re-renders for everything else.
      views.current.take(all);
      const incoming = all.filter((e) => e.type !== 'presenter.view');
      if (incoming.length === 0) return;
      const sent = new Set(incoming.map((e) => e.payload.clientMsgId));
      setPending((prev) => prev.filter((p) => !sent.has(p.clientMsgId)));
      setEvents((prev) => {
        const seen = new Set(prev.map((e) => e.id));
        return [...prev, ...incoming.filter((e) => !seen.has(e.id))];
      });
    };
    s.on('connect', () => {
      setState('connected');
      // Rejoin with the last id seen: whatever was missed comes back in order.
      s.emit('session:join', { sessionId: props.id, afterId: lastId.current }, (ack: { events?: BoardEvent[] }) => {
        add(ack.events ?? []);
        // What the first join replays happened before this screen opened: not news.
        setLiveFrom((v) => v ?? lastId.current);
        // Messages typed while offline go now, once each (the server drops a repeated clientMsgId).
        for (const p of pendingRef.current) if (p.failed === undefined) emit(s, p);
      });
    });
    s.on('disconnect', () => setState('reconnecting'));
    s.on('connect_error', () => setState('offline'));
    s.on('event', (e: BoardEvent) => add([e]));
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
    const body = text.trim();
    if (body === '') return;
    const p = { clientMsgId: crypto.randomUUID(), body };
    setPending((prev) => [...prev, p]);
    setText('');
    const s = socket.current;
    if (s !== undefined && s.connected) emit(s, p);
  };
  const retry = (p: Pending): void => {
    setPending((prev) =>
      prev.map((x) => (x.clientMsgId === p.clientMsgId ? { body: x.body, clientMsgId: x.clientMsgId } : x)),
    );
    const s = socket.current;
    if (s !== undefined && s.connected) emit(s, p);
  };

  const back = html`<p><a href=${`#/board/${props.id}`}>← The session</a></p>`;
  // A failed re-read (say, offline) keeps the room on screen; only a first failure replaces it.
  if (loaded.error !== undefined && loaded.data === undefined)
    return html`<main>
      ${back}
      <h1>Board room</h1>
      <${LoadError} text=${loaded.error} retry=${loaded.reload} />
    </main>`;
  if (loaded.data === undefined || clinic.data === undefined)
    return html`<main>
      ${back}
      <h1>Board room</h1>
      <${Loading} what="the room" />
    </main>`;
  const s = loaded.data;
  const tz = clinic.data.timeZone;
  const people = specialists.data ?? [];
  const nameOf = (userId: string | null): string =>
    userId === null
      ? 'someone'
      : userId === props.me.id
        ? props.me.displayName
        : (people.find((p) => p.userId === userId)?.displayName ??
          s.attendance.entries.find((a) => a.userId === userId)?.displayName ??
          'a member');
  const presenting = s.agenda.find((a) => a.caseId === s.presentingCaseId);
  const canPresent = props.me.role === 'coordinator' || props.me.id === s.chairId;
  const open = s.status === 'scheduled' || s.status === 'in_progress';
  return html`<main class="room">
    ${back}
    <div class="page-head">
      <h1>${s.title}</h1>
      <p class="room-connection">
        <span data-testid="connection" class=${`conn conn-${state}`}>${CONNECTION_WORDS[state]}</span>
      </p>
    </div>
    ${
      state === 'connected'
        ? null
        : html`<div class="alert alert-warning room-offline" role="status">
            ${state === 'connecting' ? 'Joining the room…' : 'You are offline. Messages you write are kept and sent when the connection is back.'}
          </div>`
    }
    <div class="room-grid">
      <div class="room-main">
        ${
          canPresent && open
            ? html`<${PresenterControls} session=${s} events=${events} onChanged=${loaded.reload} />`
            : presenting === undefined
              ? html`<p class="muted">No case on screen yet.</p>`
              : null
        }
        ${presenting === undefined ? null : html`<${OnScreen} item=${presenting} events=${events} liveFrom=${liveFrom} tz=${tz} />`}
        ${
          presenting === undefined
            ? null
            : html`<${RoomViewer}
                sessionId=${s.id}
                caseId=${presenting.caseId}
                events=${events}
                views=${views.current}
                presenter=${canPresent && open}
                timeZone=${tz}
                discipline=${['pathology', 'radiology'].find((d) =>
                  people.find((p) => p.userId === props.me.id)?.disciplines.includes(d as never),
                )}
                nameOf=${nameOf}
                socket=${() => socket.current}
              />`
        }
        <section aria-labelledby="plan-h" class="room-plan">
          <h2 id="plan-h">Plan</h2>
          ${
            presenting === undefined
              ? html`<p class="muted">No case on screen.</p>`
              : html`<${PlanPanel}
                  caseId=${presenting.caseId}
                  chairId=${s.chairId}
                  me=${props.me}
                  tz=${tz}
                  nameOf=${nameOf}
                  refreshKey=${events.filter((e) => e.type.startsWith('plan.')).length}
                />`
          }
        </section>
        <${AttendancePanel}
          sessionId=${s.id}
          attendance=${s.attendance}
          specialists=${people}
          me=${props.me}
          open=${open}
          timeZone=${tz}
          onChanged=${loaded.reload}
        />
        <${Agenda}
          session=${s}
          timeZone=${tz}
          canManage=${false}
          canPresent=${canPresent && open}
          onChanged=${loaded.reload}
        />
      </div>
      <${Discussion}
        events=${events}
        pending=${pending}
        session=${s}
        tz=${tz}
        nameOf=${nameOf}
        text=${text}
        setText=${setText}
        send=${send}
        retry=${retry}
        discard=${(p: Pending) => setPending((prev) => prev.filter((x) => x.clientMsgId !== p.clientMsgId))}
      />
    </div>
  </main>`;
}

const CONNECTION_WORDS = {
  connecting: 'Joining…',
  connected: 'Live: connected',
  reconnecting: 'Offline: reconnecting…',
  offline: 'Offline',
} as const;

/** Previous / next case, the time on this one, and the standard-of-care cases recorded without discussion. */
function PresenterControls(props: { session: Session; events: BoardEvent[]; onChanged: () => void }) {
  const s = props.session;
  const discuss = s.agenda;
  const at = discuss.findIndex((a) => a.caseId === s.presentingCaseId);
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  const present = async (item: Item, then?: string): Promise<void> => {
    try {
      await ok(
        client.POST('/api/board-sessions/{id}/presenting', {
          params: { path: { id: s.id } },
          body: { caseId: item.caseId },
        }),
      );
      if (then !== undefined)
        await ok(
          client.POST('/api/board-sessions/{id}/presenting', {
            params: { path: { id: s.id } },
            body: { caseId: then },
          }),
        );
      toastSuccess(
        then === undefined
          ? `Now presenting ${patientName(item.patient)}.`
          : `${patientName(item.patient)} recorded without discussion.`,
      );
      props.onChanged();
    } catch (err) {
      toastError(err);
    }
  };
  const since = [...props.events]
    .reverse()
    .find((e) => e.type === 'case.presenting' && e.caseId === s.presentingCaseId)?.at;
  const started = since ?? discuss[at]?.presentedAt ?? null;
  const prev = at > 0 ? discuss[at - 1] : undefined;
  const next = at < discuss.length - 1 ? discuss[at + 1] : undefined;
  const soc = s.agenda.filter((a) => a.mode === 'standard_of_care');
  return html`<section aria-labelledby="presenter-h" class="presenter">
    <h2 id="presenter-h">Presenting</h2>
    <p>
      ${
        at < 0
          ? 'No case on screen yet.'
          : `Case ${at + 1} of ${discuss.length}${started === null ? '' : `, on screen for ${minutes(Date.now() - Date.parse(started))}`}.`
      }
    </p>
    <div class="actions">
      <${Button} disabled=${prev === undefined} onClick=${() => (prev === undefined ? undefined : present(prev))}
        >${prev === undefined ? 'Previous case' : `Previous case: ${patientName(prev.patient)}`}<//
      >
      <${Button} disabled=${next === undefined} onClick=${() => (next === undefined ? undefined : present(next))}
        >${next === undefined ? 'Next case' : `${at < 0 ? 'First case' : 'Next case'}: ${patientName(next.patient)}`}<//
      >
    </div>
    ${
      soc.length === 0
        ? null
        : html`<h3>Standard of care, not discussed</h3>
            <ul class="soc-list">
              ${soc.map(
                (a) =>
                  html`<li key=${a.caseId}>
                    <span>${patientName(a.patient)}</span>
                    ${
                      a.presentedAt !== null
                        ? html`<${Badge} tone="success">Recorded<//>`
                        : html`<${Button}
                            variant="quiet"
                            label=${`Record without discussion: ${patientName(a.patient)}`}
                            onClick=${() => present(a, s.presentingCaseId ?? undefined)}
                            >Record without discussion<//
                          >`
                    }
                  </li>`,
              )}
            </ul>`
    }
  </section>`;
}

/** The case on screen: its patient, and what the board changed in its diagnosis (one banner, this case only). */
function OnScreen(props: { item: Item; events: BoardEvent[]; liveFrom: string | undefined; tz: string }) {
  const a = props.item;
  const change = [...props.events].reverse().find((e) => e.type === 'diagnosis.changed' && e.caseId === a.caseId);
  const fresh = change !== undefined && props.liveFrom !== undefined && BigInt(change.id) > BigInt(props.liveFrom);
  const types = ((change?.payload.changeTypes as string[] | undefined) ?? []).map((t) => labelOf(CHANGE_TYPE_WORDS, t));
  return html`<div class="on-screen">
    <${PatientBanner}
      patient=${{
        caseId: a.caseId,
        familyName: a.patient.familyName,
        givenName: a.patient.givenName,
        mrn: a.patient.mrn,
        birthDate: a.patient.birthDate,
        primarySite: a.diagnosis?.primarySite ?? null,
        histology: a.diagnosis?.histology ?? null,
        status: a.caseStatus,
        synthetic: a.patient.synthetic,
      }}
    />
    <div role="status" aria-live="polite">
      ${
        change === undefined
          ? null
          : html`<div class="alert alert-warning dx-banner" data-testid="diagnosis-banner">
              <strong>${fresh ? 'New: diagnosis changed' : 'Diagnosis changed'} for ${patientName(a.patient)}</strong>
              ${types.length === 0 ? null : html` — ${types.join(', ')}`}
              <span class="muted"> (${clockTime(change.at, props.tz)} ${zoneLabel(props.tz)})</span>
            </div>`
      }
    </div>
  </div>`;
}

const itemWords = (i: PlanView['items'][number]): string =>
  `${labelOf(MODALITY_WORDS, i.modality)}, ${labelOf(INTENT_WORDS, i.intent).toLowerCase()}${i.description === undefined ? '' : `: ${i.description}`}`;

/** The plan before the board for the case on screen: items, votes, consensus, the chair's signature. */
function PlanPanel(props: {
  caseId: string;
  chairId: string | null;
  me: Me;
  tz: string;
  nameOf: (id: string | null) => string;
  refreshKey: number;
}) {
  const { data, error, reload } = useLoad(
    async () =>
      (await ok(
        client.GET('/api/cases/{id}/plans', { params: { path: { id: props.caseId } } }),
      )) as unknown as PlanView[],
    [props.caseId, props.refreshKey],
  );
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string>();
  if (error !== undefined) return html`<${LoadError} text=${error} retry=${reload} />`;
  if (data === undefined) return html`<${Loading} what="the plan" />`;
  const plan = [...data].reverse().find((p) => p.status === 'proposed' || p.status === 'signed');
  if (plan === undefined) return html`<p>No plan proposed yet.</p>`;
  const path = { id: props.caseId, planId: plan.id };
  const vote = async (v: keyof typeof VOTE_WORDS): Promise<void> => {
    if (v === 'disagree' && comment.trim() === '')
      return setProblem('A disagreement needs a comment: write why before voting Disagree.');
    try {
      await ok(
        client.PUT('/api/cases/{id}/plans/{planId}/votes/me', {
          params: { path },
          body: { vote: v, ...(comment.trim() === '' ? {} : { comment: comment.trim() }) } as never,
        }),
      );
      setProblem(undefined);
      toastSuccess(`Your vote: ${VOTE_WORDS[v]}.`);
      reload();
    } catch (err) {
      setProblem(problemText(err));
    }
  };
  const sign = async (): Promise<void> => {
    try {
      await ok(client.POST('/api/cases/{id}/plans/{planId}/signature', { params: { path } }));
      toastSuccess(`Plan version ${plan.number} signed.`);
      reload();
    } catch (err) {
      setProblem(problemText(err));
    }
  };
  const c = plan.consensus;
  const signedWords = `Signed by ${props.nameOf(plan.signedBy)}${plan.signedAt === null ? '' : ` at ${dateTime(plan.signedAt, props.tz)} ${zoneLabel(props.tz)}`}`;
  const chair = props.me.id === props.chairId;
  return html`<div class="plan-card" aria-label="Plan">
    <p>
      <strong>Plan version ${plan.number}</strong>
      ${' '}
      ${plan.status === 'signed' ? html`<${Badge} tone="success">Signed<//>` : html`<${Badge} tone="info">Proposed<//>`}
    </p>
    <ol class="plan-items">
      ${plan.items.map((i) => html`<li>${itemWords(i)}</li>`)}
    </ol>
    <h3>Votes</h3>
    ${
      plan.votes.length === 0
        ? html`<p class="muted">No votes yet.</p>`
        : html`<ul class="votes">
            ${plan.votes.map(
              (v) =>
                html`<li>
                  <strong>${discipline(v.discipline)}</strong>: ${VOTE_WORDS[v.vote] ?? v.vote}
                  ${v.comment === null ? null : html`<div class="muted">“${v.comment}”</div>`}
                </li>`,
            )}
          </ul>`
    }
    <p data-testid="consensus">
      ${
        c === null
          ? 'Consensus: not judged (no board attending).'
          : c.met
            ? html`<${Badge} tone="success">Consensus met<//>`
            : html`<${Badge} tone="warning">Consensus not met<//>
                ${c.blocking.length === 0 ? '' : ` ${c.blocking.map((b) => `${discipline(b.discipline)} ${BLOCK_WORDS[b.reason]}`).join('; ')}.`}
                ${c.missing.length === 0 ? '' : ` Still to vote: ${c.missing.map((m) => discipline(m.discipline)).join(', ')}.`}`
      }
    </p>
    ${
      plan.status === 'signed'
        ? html`<p class="signed" data-testid="signed">${signedWords}</p>`
        : html`<div class="vote-box">
            <label for="v-comment">Comment (needed to disagree)</label>
            <textarea
              id="v-comment"
              rows="2"
              value=${comment}
              aria-describedby=${problem === undefined ? undefined : 'v-problem'}
              onInput=${(e: Event) => setComment((e.target as HTMLTextAreaElement).value)}
            ></textarea>
            ${problem === undefined ? null : html`<p id="v-problem" class="error" role="alert">${problem}</p>`}
            <div class="actions">
              ${Object.keys(VOTE_WORDS).map((v) => html`<${Button} onClick=${() => vote(v)}>${VOTE_WORDS[v]}<//>`)}
            </div>
            ${
              chair
                ? html`<div class="actions">
                    <${ConfirmButton}
                      title=${`Sign version ${plan.number} of the plan?`}
                      message=${'Signing makes this plan the board’s recommendation. It cannot be changed afterwards; a change needs a new version.'}
                      confirmLabel="Sign the plan"
                      disabled=${c === null || !c.met}
                      onConfirm=${sign}
                      >Sign plan<//
                    >
                  </div>`
                : null
            }
          </div>`
    }
  </div>`;
}

/** One line of the discussion: a person's message, or a quiet system line in words. */
function systemLine(e: BoardEvent, s: Session, nameOf: (id: string | null) => string): string {
  const p = e.payload;
  const item = s.agenda.find((a) => a.caseId === e.caseId);
  const who = item === undefined ? 'a case' : patientName(item.patient);
  switch (e.type) {
    case 'case.presenting':
      return `Now presenting ${who}${p.mode === 'standard_of_care' ? ' (standard of care)' : ''}`;
    case 'attendance.changed':
      return `${nameOf(typeof p.userId === 'string' ? p.userId : null)} ${p.action === 'check_out' || p.action === 'checked_out' ? 'checked out' : 'checked in'}${typeof p.discipline === 'string' ? ` for ${discipline(p.discipline)}` : ''}`;
    case 'agenda.changed':
      return 'The agenda changed';
    case 'session.changed':
      return typeof p.status === 'string' && p.status in { scheduled: 1, in_progress: 1, closed: 1, cancelled: 1 }
        ? `Session ${sessionStatusWords(p.status as Session['status']).toLowerCase()}`
        : 'Session details changed';
    case 'plan.voted':
      return `${typeof p.discipline === 'string' ? discipline(p.discipline) : 'A member'} voted ${(VOTE_WORDS[String(p.vote)] ?? 'on the plan').toLowerCase()} for ${who}`;
    case 'plan.signed':
      return `The plan for ${who} was signed`;
    case 'plan.proposed':
      return `A plan was proposed for ${who}`;
    case 'diagnosis.changed':
      return `The diagnosis changed for ${who}`;
    case 'annotation.added':
      return `${typeof p.authorDiscipline === 'string' ? discipline(p.authorDiscipline) : 'A reviewer'} ${Number(p.version) > 1 ? 'amended an annotation' : 'annotated a record'} for ${who}: ${labelOf(FINDING_TYPE_WORDS, String(p.findingType)).toLowerCase()}`;
    default:
      return `${e.type
        .split(/[._]/)
        .join(' ')
        .replace(/^./, (x) => x.toUpperCase())}${item === undefined ? '' : ` (${who})`}`;
  }
}

function Discussion(props: {
  events: BoardEvent[];
  pending: Pending[];
  session: Session;
  tz: string;
  nameOf: (id: string | null) => string;
  text: string;
  setText: (t: string) => void;
  send: (e: Event) => void;
  retry: (p: Pending) => void;
  discard: (p: Pending) => void;
}) {
  const list = useRef<HTMLUListElement>(null);
  const pinned = useRef(true);
  const [unseen, setUnseen] = useState(false);
  const messages = props.events.filter((e) => e.type === 'message.posted');
  const newest = messages[messages.length - 1];
  const count = props.events.length + props.pending.length;
  useEffect(() => {
    const ul = list.current;
    if (ul === null) return;
    if (pinned.current) ul.scrollTop = ul.scrollHeight;
    else setUnseen(true);
  }, [count]);
  const onScroll = (): void => {
    const ul = list.current;
    if (ul === null) return;
    pinned.current = ul.scrollHeight - ul.scrollTop - ul.clientHeight < 24;
    if (pinned.current) setUnseen(false);
  };
  const jump = (): void => {
    const ul = list.current;
    if (ul !== null) ul.scrollTop = ul.scrollHeight;
    pinned.current = true;
    setUnseen(false);
  };
  const zone = zoneLabel(props.tz);
  return html`<section aria-labelledby="discussion-h" class="discussion">
    <h2 id="discussion-h">Discussion</h2>
    <p class="muted">Times in ${zone}.</p>
    <ul
      class="stream"
      data-testid="stream"
      tabindex="0"
      aria-label="Messages and events"
      ref=${list}
      onScroll=${onScroll}
    >
      ${props.events.map((e) =>
        e.type === 'message.posted'
          ? html`<li key=${e.id} class="msg" data-type=${e.type}>
              <span class="msg-head"
                ><strong>${String(e.payload.author ?? props.nameOf(e.actor))}</strong>
                <time datetime=${e.at}>${clockTime(e.at, props.tz)}</time></span
              >
              <span class="msg-body">${String(e.payload.body)}</span>
            </li>`
          : html`<li key=${e.id} class="sys" data-type=${e.type}>
              <time datetime=${e.at}>${clockTime(e.at, props.tz)}</time> ${systemLine(e, props.session, props.nameOf)}
            </li>`,
      )}
      ${props.pending.map(
        (p) =>
          html`<li key=${p.clientMsgId} class="msg msg-pending" data-pending="true">
            <span class="msg-head"
              ><strong>You</strong>
              ${p.failed === undefined ? html`<${Badge} tone="warning">Pending, not sent yet<//>` : html`<${Badge} tone="danger">Not sent<//>`}</span
            >
            <span class="msg-body">${p.body}</span>
            ${
              p.failed === undefined
                ? null
                : html`<span class="error">Not sent: ${p.failed}</span>
                    <span class="actions"
                      ><${Button} variant="quiet" onClick=${() => props.retry(p)}>Send again<//>
                      <${Button} variant="quiet" onClick=${() => props.discard(p)}>Discard<//></span
                    >`
            }
          </li>`,
      )}
    </ul>
    ${unseen ? html`<${Button} variant="secondary" onClick=${jump}>New messages ↓<//>` : null}
    <div class="sr-only" aria-live="polite" data-testid="announce">
      ${newest === undefined ? '' : `${String(newest.payload.author ?? '')}: ${String(newest.payload.body)}`}
    </div>
    <form class="message-box" onSubmit=${props.send} aria-label="Post a message">
      <label for="m-text">Message</label>
      <div class="message-row">
        <input
          id="m-text"
          autocomplete="off"
          value=${props.text}
          onInput=${(e: Event) => props.setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn btn-primary">Post</button>
      </div>
    </form>
  </section>`;
}
