import { useState } from 'preact/hooks';
import { client, download, ok, type Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { clockTime, words, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, labelOf, PRESENTATION_REASON_WORDS } from '../ui/labels.js';
import { useLoad } from '../ui/use-load.js';
import { MODE_WORDS, patientName, sessionStatusWords } from './words.js';

type Transcript = Schemas['TranscriptDto'];
type BoardEvent = Schemas['BoardEventDto'];

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One event of the log as the board would minute it, with people and patients by name. */
function describe(e: BoardEvent, t: Transcript, statusBefore: string | undefined): string {
  const p = e.payload;
  const patient = (caseId: unknown): string => {
    const a = t.agenda.find((x) => x.caseId === caseId);
    return a === undefined ? 'a case no longer on the agenda' : patientName(a.patient);
  };
  const person = (userId: unknown): string =>
    t.attendance.entries.find((a) => a.userId === userId)?.displayName ?? 'a member of the clinic';
  switch (e.type) {
    case 'message.posted':
      return `${text(p.author) || 'Someone'}${e.caseId === null ? '' : ` (about ${patient(e.caseId)})`}: ${text(p.body)}`;
    case 'case.presenting':
      return `Now presenting ${patient(e.caseId ?? p.caseId)}${p.mode === 'standard_of_care' ? ` (${MODE_WORDS.standard_of_care.toLowerCase()})` : ''}`;
    case 'attendance.changed':
      return `${person(p.userId)} ${p.action === 'check_in' ? 'checked in' : 'checked out'}${typeof p.discipline === 'string' ? ` for ${labelOf(DISCIPLINE_WORDS, p.discipline)}` : ''}`;
    case 'agenda.changed': {
      if (typeof p.added === 'string') return `${patient(p.added)} added to the agenda`;
      if (Array.isArray(p.order)) return 'Agenda reordered';
      const what = [
        typeof p.mode === 'string' ? `mode set to “${MODE_WORDS[p.mode as Schemas['AgendaItemDto']['mode']]}”` : null,
        p.presentationReason === null
          ? 'reason cleared'
          : typeof p.presentationReason === 'string'
            ? `reason set to “${labelOf(PRESENTATION_REASON_WORDS, p.presentationReason)}”`
            : null,
      ].filter((x) => x !== null);
      return `${patient(p.caseId)}: ${what.length === 0 ? 'agenda item changed' : what.join(', ')}`;
    }
    case 'session.changed': {
      // Every edit logs the status it left; the same status as before means other details changed.
      if (statusBefore !== undefined && p.status === statusBefore) return 'Session details changed';
      return `Session ${typeof p.status === 'string' ? sessionStatusWords(p.status as Schemas['BoardSessionDto']['status']).toLowerCase() : 'changed'}`;
    }
    default:
      return `${words(e.type.replace(/\./g, '_'))}${e.caseId === null ? '' : ` (${patient(e.caseId)})`}`;
  }
}

/** The session's transcript, readable on screen, and as a Markdown file to keep. */
export function TranscriptPanel(props: { sessionId: string; title: string; timeZone: string; refreshKey: number }) {
  const [shown, setShown] = useState(false);
  return html`<section aria-labelledby="transcript-h" class="transcript">
    <h2 id="transcript-h">Transcript</h2>
    <p class="muted">
      Everything said and decided in the session, in order. Messages about patients who did not consent to recording are
      left out.
    </p>
    <div class="actions">
      <${Button} onClick=${() => setShown(!shown)}>${shown ? 'Hide the transcript' : 'Show the transcript'}<//>
      <${Button}
        variant="quiet"
        onClick=${() =>
          download(
            `/api/board-sessions/${props.sessionId}/transcript?format=markdown`,
            `transcript-${props.title.replace(/\W+/g, '-').toLowerCase()}.md`,
          )}
        >Download as Markdown<//
      >
    </div>
    ${shown ? html`<${TranscriptBody} ...${props} />` : null}
  </section>`;
}

function TranscriptBody(props: { sessionId: string; timeZone: string; refreshKey: number }) {
  const t = useLoad(
    () =>
      ok(
        client.GET('/api/board-sessions/{id}/transcript', {
          params: { path: { id: props.sessionId }, query: { format: 'json' } },
        }),
      ).then((r) => (typeof r === 'string' ? undefined : r)),
    [props.sessionId, props.refreshKey],
  );
  if (t.error !== undefined) return html`<${LoadError} text=${t.error} retry=${t.reload} />`;
  if (t.data === undefined) return html`<${Loading} what="the transcript" />`;
  const tr = t.data;
  const zone = zoneLabel(props.timeZone);
  // The session's status before each event: what a session.changed event changed.
  const statusBefore: (string | undefined)[] = [];
  let status: string | undefined;
  for (const e of tr.events) {
    statusBefore.push(status);
    if (e.type === 'session.changed' && typeof e.payload.status === 'string') status = e.payload.status;
    if (e.type === 'case.presenting' && status === 'scheduled') status = 'in_progress';
  }
  return html`<div class="transcript-body" data-testid="transcript">
    <h3>Agenda</h3>
    <ol>
      ${tr.agenda.map((a) => html`<li>${patientName(a.patient)} (MRN ${a.patient.mrn}) — ${MODE_WORDS[a.mode]}</li>`)}
    </ol>
    <h3>Discussion and decisions</h3>
    ${
      tr.events.length === 0
        ? html`<p class="muted">Nothing recorded yet.</p>`
        : html`<ol class="transcript-events">
            ${tr.events.map(
              (e, i) =>
                html`<li key=${e.id}>
                  <time datetime=${e.at}>${clockTime(e.at, props.timeZone)} ${zone}</time>
                  ${describe(e, tr, statusBefore[i])}
                </li>`,
            )}
          </ol>`
    }
    ${tr.omittedMessages > 0 ? html`<p class="muted">${tr.omittedMessages} message(s) left out for want of consent to recording.</p>` : null}
  </div>`;
}
