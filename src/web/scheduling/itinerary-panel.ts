import { useState } from 'preact/hooks';
import { client, download, ok, type Schemas } from '../api/client.js';
import { ApiError } from '../api/session.js';
import { Badge } from '../ui/badge.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, clockTime, isoDateIn, plural, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { type ClinicData, disciplineWords, loadClinicData, specialistName } from './clinic-data.js';
import {
  candidates,
  duration,
  inWords,
  spanOf,
  subtract,
  timeInClinic,
  waiting,
  zonedInstant,
  type Candidate,
  type DayView,
  type Span,
  type Visit,
} from './day-math.js';
import { rangeOf, Timeline } from './timeline.js';

type Itinerary = Schemas['ItineraryDto'];

interface Proposal {
  date: string;
  visits: Visit[];
  /** The planner's own proposal, to say which visits the coordinator changed. */
  planned: Visit[];
  day: DayView;
}

/** The itinerary, or null when the case has none booked. */
async function loadItinerary(caseId: string): Promise<Itinerary | null> {
  try {
    return await ok(client.GET('/api/cases/{id}/itinerary', { params: { path: { id: caseId } } }));
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 404) return null;
    throw e;
  }
}

/** The refusal of a booking in words: the server's reason, and each rule an edited itinerary broke. */
function refusal(e: unknown): { text: string; reasons: string[] } {
  if (e instanceof ApiError && e.problem.status === 400) {
    const reasons = (e.problem.errors ?? []).flatMap((f) => f.messages).map(inWords);
    return { text: 'These visits break the clinic’s rules:', reasons };
  }
  if (e instanceof ApiError && e.problem.status === 409)
    return { text: `Not booked: ${inWords(problemText(e))}`, reasons: [] };
  return { text: problemText(e), reasons: [] };
}

const timeSpan = (v: { start: string; end: string }, tz: string): string =>
  `${clockTime(v.start, tz)}–${clockTime(v.end, tz)}`;

/** The case's one-day itinerary on the case page: propose, edit, book, cancel, export (scheduling owns it). */
export function ItineraryPanel(props: { caseId: string; clinicId: string; timeZone: string; onChange?: () => void }) {
  const tz = props.timeZone;
  const headingId = `itinerary-${props.caseId}`;
  const me = useLoad(() => ok(client.GET('/api/users/me')), []);
  const clinic = useLoad(() => loadClinicData(props.clinicId), [props.clinicId]);
  const itinerary = useLoad(() => loadItinerary(props.caseId), [props.caseId]);
  const [date, setDate] = useState(() => isoDateIn(new Date(Date.now() + 86_400_000), tz));
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [proposeError, setProposeError] = useState<string>();
  const [bookError, setBookError] = useState<{ text: string; reasons: string[] }>();
  const [moved, setMoved] = useState('');

  const coordinator = me.data?.role === 'coordinator';
  const zone = `Times in ${tz} (${zoneLabel(tz, new Date(`${proposal?.date ?? itinerary.data?.date ?? date}T12:00:00Z`))})`;

  const section = (body: unknown) =>
    html`<section class="itinerary" aria-labelledby=${headingId}>
      <h2 id=${headingId}>Clinic visit</h2>
      ${body}
    </section>`;

  if (itinerary.error !== undefined || clinic.error !== undefined)
    return section(
      html`<${LoadError}
        text=${itinerary.error ?? clinic.error ?? ''}
        retry=${() => {
          itinerary.reload();
          clinic.reload();
        }}
      />`,
    );
  if (itinerary.data === undefined || clinic.data === undefined) return section(html`<${Loading} what="the visits" />`);
  const data = clinic.data;

  const propose = async (): Promise<void> => {
    setProposeError(undefined);
    setBookError(undefined);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setProposeError('Choose the day of the visit.');
      return;
    }
    try {
      const [plan, day] = await Promise.all([
        ok(
          client.POST('/api/schedule/days/{date}/plan', {
            params: { path: { date } },
            body: { clinicId: props.clinicId, caseIds: [props.caseId] },
          }),
        ),
        ok(
          client.GET('/api/schedule/days/{date}', { params: { path: { date }, query: { clinicId: props.clinicId } } }),
        ),
      ]);
      const placed = plan.placed.find((p) => p.caseId === props.caseId);
      if (placed === undefined) {
        const why = plan.unplaced.find((u) => u.caseId === props.caseId)?.reason ?? 'nothing fits';
        setProposal(null);
        setProposeError(`No visit fits on ${calendarDate(date)}: ${inWords(why)}.`);
        return;
      }
      setProposal({ date, visits: placed.appointments, planned: placed.appointments, day });
      setMoved('');
    } catch (e) {
      setProposeError(inWords(problemText(e)));
    }
  };

  const book = async (p: Proposal): Promise<void> => {
    setBookError(undefined);
    try {
      await ok(
        client.POST('/api/cases/{id}/itinerary', {
          params: { path: { id: props.caseId } },
          body: {
            date: p.date,
            appointments: p.visits.map((v) => ({
              discipline: v.discipline,
              specialistId: v.specialistId,
              roomId: v.roomId,
              start: v.start,
              end: v.end,
            })),
          },
        }),
      );
      toastSuccess(`Visits booked for ${calendarDate(p.date)}.`);
      setProposal(null);
      itinerary.reload();
      props.onChange?.();
    } catch (e) {
      setBookError(refusal(e));
      // What was free when proposed may not be any more: the choices follow the day as it is now.
      const day = await ok(
        client.GET('/api/schedule/days/{date}', {
          params: { path: { date: p.date }, query: { clinicId: props.clinicId } },
        }),
      ).catch(() => p.day);
      setProposal({ ...p, day });
    }
  };

  const cancel = async (): Promise<void> => {
    await ok(client.DELETE('/api/cases/{id}/itinerary', { params: { path: { id: props.caseId } } }));
    toastSuccess('The visits are cancelled; the case is ready to schedule again.');
    itinerary.reload();
    props.onChange?.();
  };

  const booked = itinerary.data;
  if (booked !== null)
    return section(html`
      <p>
        <${Badge} tone="success">Booked<//>
        ${` ${calendarDate(booked.date)}, ${plural(booked.appointments.filter((a) => a.patientAttends).length, 'visit')}, ${duration(booked.timeInClinic)} in clinic.`}
      </p>
      <${VisitList} visits=${booked.appointments} data=${data} timeZone=${tz} zone=${zone} status="booked" />
      <div class="actions">
        <${Button}
          variant="quiet"
          onClick=${() => download(`/api/cases/${props.caseId}/itinerary.ics`, `visits-${booked.date}.ics`)}
          >Download calendar (.ics)<//
        >
        ${
          coordinator
            ? html`<${ConfirmButton}
                title="Cancel these visits?"
                message=${html`<p>
                  All ${plural(booked.appointments.length, 'appointment')} on ${calendarDate(booked.date)} are cancelled
                  and the case goes back to “Ready to schedule”. The specialists’ time is freed for other patients.
                </p>`}
                confirmLabel="Cancel the visits"
                onConfirm=${cancel}
                >Cancel visits…<//
              >`
            : null
        }
      </div>
      ${coordinator ? html`<p class="hint">To change a booked visit, cancel the visits and propose the day again.</p>` : null}
    `);

  if (!coordinator)
    return section(
      me.data === undefined
        ? html`<${Loading} />`
        : html`<p class="muted">No visit is booked yet; the clinic’s coordinator books them.</p>`,
    );

  const clinicDay = (d: string): Span => ({
    start: zonedInstant(d, data.clinic.dayStart, tz),
    end: zonedInstant(d, data.clinic.dayEnd, tz),
  });
  const disciplines = new Map([...data.specialists.values()].map((s) => [s.id, s.disciplines as string[]]));
  const choices = (p: Proposal, i: number): Candidate[] =>
    candidates(p.visits, i, p.day, disciplines, data.clinic.precedence, clinicDay(p.date));
  const moveTo = (p: Proposal, i: number, next: Visit): void => {
    const visits = p.visits.map((v, k) => (k === i ? next : v));
    setProposal({ ...p, visits });
    setBookError(undefined);
    setMoved(
      `${disciplineWords(next.discipline)} moved to ${timeSpan(next, tz)} with ${specialistName(data, next.specialistId)}.`,
    );
  };

  return section(html`
    <div class="field-row">
      ${Field({
        label: 'Day of the visit',
        name: `visit-date-${props.caseId}`,
        type: 'date',
        value: date,
        onInput: setDate,
        error: proposeError,
      })}
    </div>
    <div class="actions">
      <${Button} variant=${proposal === null ? 'primary' : 'secondary'} onClick=${propose}
        >${proposal === null ? 'Propose visits' : 'Propose again'}<//
      >
    </div>
    ${
      proposal === null
        ? html`<p class="hint">
            The shortest day the clinic’s specialists and rooms allow; nothing is booked until you book it.
          </p>`
        : html`
            <p>
              <${Badge} tone="info">Proposed, not booked<//>
              ${` ${calendarDate(proposal.date)}, ${duration(timeInClinic(proposal.visits))} in clinic${
                waiting(proposal.visits) > 0
                  ? `, of which ${duration(waiting(proposal.visits))} waiting between visits`
                  : ''
              }.`}
            </p>
            <${VisitList}
              visits=${proposal.visits}
              planned=${proposal.planned}
              data=${data}
              timeZone=${tz}
              zone=${zone}
              status="proposed"
              choose=${(i: number) => choices(proposal, i)}
              onChoose=${(i: number, v: Visit) => moveTo(proposal, i, v)}
            />
            <h3>On the day</h3>
            <${Timeline}
              label=${`Proposed visits on ${calendarDate(proposal.date)}`}
              headLabel="Visit"
              timeZone=${tz}
              range=${rangeOf(
                proposal.day.bySpecialist
                  .filter((s) =>
                    proposal.visits.some((v) => v.discipline !== '' && s.disciplines.includes(v.discipline)),
                  )
                  .flatMap((s) => s.free.map(spanOf)),
                proposal.visits.map(spanOf),
                clinicDay(proposal.date),
              )}
              moveHint="Drag a visit along its row, or focus it and use the left and right arrow keys, to move it to another free time."
              lanes=${proposal.visits.map((v, i) => {
                const s = proposal.day.bySpecialist.find((x) => x.specialistId === v.specialistId);
                return {
                  key: String(i),
                  title: disciplineWords(v.discipline),
                  free: subtract(s?.free.map(spanOf) ?? [], s?.appointments.map(spanOf) ?? []),
                  items: [
                    {
                      key: String(i),
                      span: spanOf(v),
                      tone: 0,
                      proposed: true,
                      label: `${timeSpan(v, tz)} ${specialistName(data, v.specialistId)}, ${disciplineWords(v.discipline)}`,
                      children: html`<strong>${clockTime(v.start, tz)}</strong
                        ><span>${specialistName(data, v.specialistId)}</span>`,
                    },
                  ],
                };
              })}
              onDrop=${(key: string, delta: number) => {
                const i = Number(key);
                const v = proposal.visits[i];
                if (v === undefined) return;
                const target = Date.parse(v.start) + delta;
                const options = choices(proposal, i);
                const same = options.filter((c) => !c.otherSpecialist);
                const pool = same.length > 0 ? same : options;
                const best = pool.reduce<Candidate | undefined>(
                  (b, c) =>
                    b === undefined ||
                    Math.abs(Date.parse(c.visit.start) - target) < Math.abs(Date.parse(b.visit.start) - target)
                      ? c
                      : b,
                  undefined,
                );
                if (best === undefined) setMoved(`${disciplineWords(v.discipline)} has no other free time this day.`);
                else moveTo(proposal, i, best.visit);
              }}
              onStep=${(key: string, direction: -1 | 1) => {
                const i = Number(key);
                const v = proposal.visits[i];
                if (v === undefined) return;
                const now = Date.parse(v.start);
                const options = choices(proposal, i).filter((c) => !c.otherSpecialist);
                const next =
                  direction === 1
                    ? options.find((c) => Date.parse(c.visit.start) > now)
                    : [...options].reverse().find((c) => Date.parse(c.visit.start) < now);
                if (next === undefined)
                  setMoved(
                    `${disciplineWords(v.discipline)} has no free time ${direction === 1 ? 'later' : 'earlier'} with this specialist.`,
                  );
                else moveTo(proposal, i, next.visit);
              }}
            />
            <p class="sr-only" role="status" aria-live="polite">${moved}</p>
            ${
              bookError === undefined
                ? null
                : html`<div class="alert alert-danger" role="alert">
                    ${bookError.text}
                    ${
                      bookError.reasons.length === 0
                        ? null
                        : html`<ul>
                            ${bookError.reasons.map((r) => html`<li>${r}</li>`)}
                          </ul>`
                    }
                  </div>`
            }
            <div class="actions">
              <${Button} variant="primary" onClick=${() => book(proposal)}>Book these visits<//>
              <${Button}
                variant="quiet"
                onClick=${() => {
                  setProposal(null);
                  setBookError(undefined);
                }}
                >Discard the proposal<//
              >
            </div>
          `
    }
  `);
}

/** The visits of an itinerary in time order, each with who, where and when; proposed ones can move. */
function VisitList(props: {
  visits: readonly (Visit | Schemas['AppointmentDto'])[];
  planned?: readonly Visit[];
  data: ClinicData;
  timeZone: string;
  zone: string;
  status: 'booked' | 'proposed';
  choose?: (index: number) => Candidate[];
  onChoose?: (index: number, v: Visit) => void;
}) {
  const tz = props.timeZone;
  const order = props.visits.map((v, i) => ({ v, i })).sort((a, b) => Date.parse(a.v.start) - Date.parse(b.v.start));
  return html`<p class="muted">${props.zone}</p>
    <ol class="visits">
      ${order.map(({ v, i }) => {
        const changed =
          props.planned !== undefined &&
          (props.planned[i]?.start !== v.start || props.planned[i]?.specialistId !== v.specialistId);
        const options = props.choose?.(i) ?? [];
        return html`<li class="visit" key=${i}>
          <div class="visit-when"><strong>${timeSpan(v, tz)}</strong></div>
          <div class="visit-what">
            <strong>${disciplineWords(v.discipline)}</strong>
            ${
              props.status === 'booked'
                ? html` <${Badge} tone="success">Booked<//>`
                : changed
                  ? html` <${Badge} tone="warning">Changed by you<//>`
                  : html` <${Badge} tone="info">Proposed<//>`
            }
            <div>${specialistName(props.data, v.specialistId, v.discipline)}</div>
            <div class="muted">
              ${
                v.patientAttends
                  ? v.roomId === null
                    ? 'No room'
                    : (props.data.rooms.get(v.roomId) ?? 'A room no longer listed')
                  : 'Review without the patient (no room)'
              }
            </div>
          </div>
          ${
            props.onChoose === undefined
              ? null
              : html`<div class="visit-move">
                  ${
                    options.length === 0
                      ? html`<p class="hint">No other free time this day.</p>`
                      : SelectField({
                          label: `Another time for ${disciplineWords(v.discipline)}`,
                          name: `move-${i}`,
                          value: '',
                          placeholder: `Choose from ${plural(options.length, 'free time')}…`,
                          options: options.map((c, k) => ({
                            value: String(k),
                            label: `${timeSpan(c.visit, tz)} · ${specialistName(props.data, c.visit.specialistId)}${
                              c.visit.roomId === null ? '' : ` · ${props.data.rooms.get(c.visit.roomId) ?? ''}`
                            }`,
                          })),
                          onInput: (k: string) => {
                            const c = options[Number(k)];
                            if (k !== '' && c !== undefined) props.onChoose?.(i, c.visit);
                          },
                        })
                  }
                </div>`
          }
        </li>`;
      })}
    </ol>`;
}
