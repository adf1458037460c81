import { useEffect, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { client, ok, type Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { calendarDate } from '../ui/format.js';
import { html } from '../ui/html.js';
import { RECORD_TYPE_WORDS, labelOf } from '../ui/labels.js';
import { toastError } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AnnotatedRecord } from '../review/annotated-record.js';
import { FILE_TYPE_WORDS } from '../review/record-viewer.js';
import type { ViewerView } from '../review/view-state.js';

type RecordRow = Schemas['RecordResponseDto'];

/** A room event, as the socket delivers it. */
export interface RoomEvent {
  id: string;
  type: string;
  caseId: string | null;
  payload: Record<string, unknown>;
  at: string;
}

interface PresenterView extends ViewerView {
  recordId: string | null;
}

/**
 * The presenter's latest view per case, kept apart from the room's event list:
 * a pointer moving several times a second re-renders the viewer only, not the
 * whole room (agenda, discussion, plan) on every member's screen.
 */
export class PresenterViews {
  private readonly latest = new Map<string, RoomEvent>();
  private readonly listeners = new Set<() => void>();
  /** Takes the room's events in log order: `presenter.view` kept per case, reset when a case is presented again. */
  take(events: readonly RoomEvent[]): void {
    let changed = false;
    for (const e of events) {
      if (e.caseId === null) continue;
      if (e.type === 'presenter.view') this.latest.set(e.caseId, e);
      else if (e.type === 'case.presenting') this.latest.delete(e.caseId);
      else continue;
      changed = true;
    }
    if (changed) for (const l of this.listeners) l();
  }
  of(caseId: string): PresenterView | undefined {
    const e = this.latest.get(caseId);
    return e === undefined ? undefined : viewOf(e);
  }
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A `presenter.view` event's payload as a view (defaults for anything missing). */
function viewOf(e: RoomEvent): PresenterView {
  const p = e.payload as Partial<PresenterView>;
  return {
    recordId: typeof p.recordId === 'string' ? p.recordId : null,
    page: typeof p.page === 'number' ? p.page : null,
    zoom: typeof p.zoom === 'number' ? p.zoom : 1,
    x: typeof p.x === 'number' ? p.x : 0.5,
    y: typeof p.y === 'number' ? p.y : 0.5,
    pointer: p.pointer ?? null,
  };
}

/** "Pathology report, PDF, 3 Nov 2026": enough to tell two records apart. */
export function recordWords(r: RecordRow): string {
  const kind = r.kind === 'dicomweb' ? 'imaging study' : labelOf(FILE_TYPE_WORDS, r.mediaType ?? '');
  return `${labelOf(RECORD_TYPE_WORDS, r.type)}, ${kind}${r.documentDate === null ? '' : `, ${calendarDate(r.documentDate)}`}`;
}

const viewable = (r: RecordRow): boolean =>
  r.kind === 'file' && ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'].includes(r.mediaType ?? '');

/**
 * Sends the presenter's view, one request at a time, the latest winning: a
 * view overtaken while a request is out is never sent, so the log (and every
 * member's screen) ends on where the presenter stopped.
 */
function latestOnly(send: (v: PresenterView) => Promise<void>): (v: PresenterView) => void {
  let busy = false;
  let next: PresenterView | undefined;
  const pump = async (): Promise<void> => {
    busy = true;
    while (next !== undefined) {
      const v = next;
      next = undefined;
      await send(v).catch(toastError);
    }
    busy = false;
  };
  return (v) => {
    next = v;
    if (!busy) void pump();
  };
}

/**
 * The records of the case on screen, in the room. The presenter opens one and
 * moves through it; everyone else follows — the same record, page, zoom and
 * pointer — until they step away to look on their own, and can come back.
 */
export function RoomViewer(props: {
  sessionId: string;
  caseId: string;
  events: readonly RoomEvent[];
  /** Where the presenter is looking (kept apart from `events`). */
  views: PresenterViews;
  presenter: boolean;
  timeZone: string;
  /** The member's discipline when they mark findings (pathology, radiology). */
  discipline: string | undefined;
  nameOf: (userId: string | null) => string;
  /** The room's `/board` socket, when connected. */
  socket?: () => Socket | undefined;
}) {
  const records = useLoad(
    () => ok(client.GET('/api/cases/{id}/records', { params: { path: { id: props.caseId } } })),
    [props.caseId, props.events.filter((e) => e.type === 'record.added' && e.caseId === props.caseId).length],
  );
  // The case's findings, read again as each new one is announced in the room (live, and replayed on reconnecting).
  const annotations = useLoad(
    () => ok(client.GET('/api/cases/{id}/annotations', { params: { path: { id: props.caseId } } })),
    [props.caseId, props.events.filter((e) => e.type === 'annotation.added' && e.caseId === props.caseId).length],
  );
  const [, redraw] = useState(0);
  useEffect(() => props.views.subscribe(() => redraw((n) => n + 1)), [props.views]);
  const shared = props.views.of(props.caseId);
  const [following, setFollowing] = useState(true);
  const [own, setOwn] = useState<string | null>(null);
  const [mine, setMine] = useState<string | null>(null);
  const send = useRef<((v: PresenterView) => void) | undefined>(undefined);
  const socketRef = useRef(props.socket);
  socketRef.current = props.socket;
  const caseRef = useRef(props.caseId);
  caseRef.current = props.caseId;
  useEffect(() => {
    send.current = latestOnly(async (v) => {
      const body = {
        caseId: caseRef.current,
        recordId: v.recordId,
        ...(v.page === null ? {} : { page: v.page }),
        zoom: v.zoom,
        x: v.x,
        y: v.y,
        pointerX: v.pointer?.x ?? null,
        pointerY: v.pointer?.y ?? null,
      };
      // The room's socket when it is up (a page loading tiles has its HTTP
      // connections busy; the socket is never queued behind them), else the API.
      const s = socketRef.current?.();
      if (s?.connected === true) {
        const ack = (await s.timeout(5000).emitWithAck('presenter:view', { sessionId: props.sessionId, ...body })) as {
          error?: { detail?: string; title?: string };
        };
        if (ack.error !== undefined) throw new Error(ack.error.detail ?? ack.error.title ?? 'the view was not shared');
        return;
      }
      await ok(
        client.PUT('/api/board-sessions/{id}/presenter-view', { params: { path: { id: props.sessionId } }, body }),
      );
    });
  }, [props.sessionId]);
  useEffect(() => {
    setOwn(null);
    setMine(null);
    setFollowing(true);
  }, [props.caseId]);

  if (records.error !== undefined) return html`<${LoadError} text=${records.error} retry=${records.reload} />`;
  if (records.data === undefined) return html`<${Loading} what="the case's records" />`;
  const list = records.data.filter((r) => r.supersededBy === null);
  const openId = props.presenter ? (mine ?? shared?.recordId ?? null) : following ? (shared?.recordId ?? null) : own;
  const open = list.find((r) => r.id === openId);
  const present = (r: RecordRow): void => {
    setMine(r.id);
    send.current?.({
      recordId: r.id,
      page: r.mediaType === 'application/pdf' ? 1 : null,
      zoom: 1,
      x: 0.5,
      y: 0.5,
      pointer: null,
    });
  };
  const choose = (r: RecordRow): void => {
    if (props.presenter) return present(r);
    setFollowing(false);
    setOwn(r.id);
  };
  const onView = props.presenter ? (v: ViewerView): void => send.current?.({ ...v, recordId: openId }) : undefined;
  const follow = !props.presenter && following && shared !== undefined && shared.recordId !== null ? shared : undefined;
  const viewerProps = { caseId: props.caseId, follow, onView, sharePointer: props.presenter };
  return html`<section aria-labelledby="room-records-h" class="room-records">
    <h2 id="room-records-h">Records</h2>
    ${
      props.presenter
        ? html`<p class="muted">What you open here, everyone in the room sees: the page, the zoom and your pointer.</p>`
        : html`<p class="follow-state" role="status" data-testid="follow-state">
            ${
              following
                ? shared?.recordId == null
                  ? 'Following the presenter. No record open yet.'
                  : 'Following the presenter.'
                : 'Looking on your own.'
            }
            ${' '}
            ${
              following
                ? html`<${Button}
                    variant="quiet"
                    onClick=${() => {
                      setOwn(shared?.recordId ?? null);
                      setFollowing(false);
                    }}
                    >Step away<//
                  >`
                : html`<${Button} variant="secondary" onClick=${() => setFollowing(true)}
                    >Back to the presenter's view<//
                  >`
            }
          </p>`
    }
    ${
      list.length === 0
        ? html`<p>No records for this case.</p>`
        : html`<ul class="room-record-list">
            ${list.map(
              (r) =>
                html`<li key=${r.id}>
                  ${
                    viewable(r)
                      ? html`<${Button}
                          variant=${r.id === openId ? 'primary' : 'quiet'}
                          aria-pressed=${r.id === openId ? 'true' : 'false'}
                          onClick=${() => choose(r)}
                          >${recordWords(r)}<//
                        >`
                      : html`<a href=${`#/case/${props.caseId}/record/${r.id}`}>${recordWords(r)}</a>`
                  }
                </li>`,
            )}
          </ul>`
    }
    ${
      open === undefined
        ? null
        : html`<div class="room-record" data-testid="room-record" data-record-id=${open.id}>
            <h3>${recordWords(open)}</h3>
            <${AnnotatedRecord}
              key=${open.id}
              record=${open}
              annotations=${annotations.data ?? []}
              timeZone=${props.timeZone}
              discipline=${props.discipline}
              nameOf=${props.nameOf}
              onSaved=${annotations.reload}
              ...${viewerProps}
            />
          </div>`
    }
  </section>`;
}
