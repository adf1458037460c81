import { client, download, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { clockTime, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';
import { nameWithCredentials, professionWords } from '../ui/professions.js';
import { useLoad } from '../ui/use-load.js';

type Stay = Schemas['RosterStayDto'];

const UNTIL_WORDS: Record<Stay['countedUntil'], string> = {
  checked_out: '',
  session_end: "not checked out: counted to the session's end",
  session_closed: 'counted to when the session was closed',
  now: 'still checked in: counted to now',
};

export const hours = (h: number): string => String(Math.round(h * 100) / 100);
export const disciplineList = (list: readonly string[]): string =>
  list.map((d) => labelOf(DISCIPLINE_WORDS, d)).join(', ');

function StayLine(props: { stay: Stay; timeZone: string }) {
  const s = props.stay;
  const out = s.leftAt === null ? null : clockTime(s.leftAt, props.timeZone);
  const why = UNTIL_WORDS[s.countedUntil];
  const until = out ?? html`<span class="muted">${`(${clockTime(s.countedTo, props.timeZone)})`}</span>`;
  return html`<li>
    ${`${clockTime(s.joinedAt, props.timeZone)}–`}${until}${`, ${s.minutes} min`}${why === '' ? null : html`<span class="muted">${`; ${why}`}</span>`}
  </li>`;
}

/** A certificate of attendance of one person at one session, as a PDF download. */
export function certificateDownload(sessionId: string, userId: string): Promise<void> {
  return download(`/api/board-sessions/${sessionId}/certificates/${userId}`, 'certificate.pdf');
}

/**
 * The CME roster of a session: each attendee, their stays in and out and the
 * totals, with the roster as CSV or PDF and each person's certificate.
 * Coordinators see everyone; a clinician who attended gets their own
 * certificate.
 */
export function RosterPanel(props: {
  sessionId: string;
  clinicId: string;
  startsAt: string;
  timeZone: string;
  me: Me;
  attended: boolean;
  refreshKey: string;
}) {
  const coordinator = props.me.role === 'coordinator';
  const roster = useLoad(
    async () =>
      coordinator
        ? ok(
            client.GET('/api/board-sessions/{id}/roster', {
              params: { path: { id: props.sessionId }, query: { format: 'json' } },
            }),
          ).then(
            // The route answers CSV and PDF too; asked for JSON, it is the roster.
            (r) => (typeof r === 'string' ? undefined : r),
          )
        : undefined,
    [props.sessionId, coordinator, props.refreshKey],
  );
  const year = new Intl.DateTimeFormat('en-GB', { timeZone: props.timeZone, year: 'numeric' }).format(
    new Date(props.startsAt),
  );
  if (!coordinator)
    return props.attended
      ? html`<section aria-labelledby="roster-h" class="roster">
          <h2 id="roster-h">Continuing education</h2>
          <p>Your attendance at this session is recorded.</p>
          <div class="actions">
            <${Button} variant="quiet" onClick=${() => certificateDownload(props.sessionId, props.me.id)}
              >Download my certificate<//
            >
          </div>
        </section>`
      : null;
  const zone = zoneLabel(props.timeZone, new Date(props.startsAt));
  const r = roster.data;
  return html`<section aria-labelledby="roster-h" class="roster">
    <h2 id="roster-h">Roster</h2>
    ${roster.error === undefined ? null : html`<${LoadError} text=${roster.error} retry=${roster.reload} />`}
    ${
      r === undefined
        ? roster.error === undefined
          ? html`<${Loading} what="the roster" />`
          : null
        : r.attendees.length === 0
          ? html`<${EmptyState} title="Nobody has checked in yet" />`
          : html`<div class="table-wrap roster-wrap">
              <table class="roster-table">
                <caption class="muted">
                  Times in ${props.timeZone} (${zone}). Credit hours are minutes ÷ 60, rounded down to the quarter hour.
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Profession</th>
                    <th scope="col">Discipline</th>
                    <th scope="col">In–out (${zone})</th>
                    <th scope="col">Minutes</th>
                    <th scope="col">Credit hours</th>
                    <th scope="col"><span class="sr-only">Certificate</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${r.attendees.map(
                    (a) =>
                      html`<tr key=${a.userId}>
                        <th scope="row">${nameWithCredentials(a)}</th>
                        <td>${professionWords(a.profession)}</td>
                        <td>${disciplineList(a.disciplines)}</td>
                        <td>
                          <ul class="stays">
                            ${a.stays.map((s) => html`<${StayLine} key=${s.joinedAt} stay=${s} timeZone=${props.timeZone} />`)}
                          </ul>
                        </td>
                        <td class="num">${a.minutes}</td>
                        <td class="num">${hours(a.creditHours)}</td>
                        <td>
                          <${Button}
                            variant="quiet"
                            label=${`Certificate for ${a.displayName}`}
                            onClick=${() => certificateDownload(props.sessionId, a.userId)}
                            >Certificate<//
                          >
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    <div class="actions">
      <${Button}
        variant="quiet"
        onClick=${() => download(`/api/board-sessions/${props.sessionId}/roster?format=csv`, 'roster.csv')}
        >Download CSV<//
      >
      <${Button}
        variant="quiet"
        onClick=${() => download(`/api/board-sessions/${props.sessionId}/roster?format=pdf`, 'roster.pdf')}
        >Download PDF<//
      >
      <a href=${`#/board/rosters/${year}?clinic=${props.clinicId}`}>Roster of ${year}</a>
    </div>
  </section>`;
}
