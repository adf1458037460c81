import { useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { type Me, navigate, useHashPath } from '../router.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, clockTime, isoDateIn, plural, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { useLoad } from '../ui/use-load.js';
import {
  type ClinicData,
  disciplineWords,
  loadClinicData,
  type Patient,
  patientName,
  specialistName,
} from './clinic-data.js';
import { DayPlanner, type PlanOnDay } from './day-planner.js';
import { type DayView, duration, type Slot, spanOf, type Span, timeInClinic, zonedInstant } from './day-math.js';
import { SickDay } from './sick-day.js';
import { rangeOf, Timeline, type TimelineItem, type TimelineLane } from './timeline.js';

type Lanes = 'specialist' | 'room';

/** The clinic day: every specialist's (or room's) booked time on a timeline, the day planner and sick-day repair. */
export function ClinicDay(props: { me: Me }) {
  const { query } = useHashPath();
  const clinics = useLoad(() => ok(client.GET('/api/clinics', { params: { query: { limit: 100 } } })), []);
  const list = clinics.data?.items ?? [];
  const clinic = list.find((c) => c.id === query.get('clinic')) ?? list[0];
  const date = query.get('date') ?? (clinic === undefined ? '' : isoDateIn(new Date(), clinic.timeZone));
  const go = (clinicId: string, d: string): void => navigate(`/day?clinic=${clinicId}&date=${d}`);

  if (clinics.error !== undefined)
    return html`<main>
      <h1>Clinic day</h1>
      <${LoadError} text=${clinics.error} retry=${clinics.reload} />
    </main>`;
  if (clinics.data === undefined)
    return html`<main>
      <h1>Clinic day</h1>
      <${Loading} />
    </main>`;
  if (clinic === undefined)
    return html`<main>
      <h1>Clinic day</h1>
      <${EmptyState} title="You are not a member of any clinic">An administrator adds you to one.<//>
    </main>`;
  return html`<main>
    <h1>Clinic day</h1>
    <div class="field-row">
      ${SelectField({
        label: 'Clinic',
        name: 'day-clinic',
        value: clinic.id,
        onInput: (id) => go(id, date),
        options: list.map((c) => ({ value: c.id, label: c.name })),
      })}
      ${Field({
        label: 'Day',
        name: 'day-date',
        type: 'date',
        value: date,
        onInput: (d) => {
          if (/^\d{4}-\d{2}-\d{2}$/.test(d)) go(clinic.id, d);
        },
      })}
    </div>
    <${Day} key=${`${clinic.id}/${date}`} clinicId=${clinic.id} date=${date} me=${props.me} />
  </main>`;
}

interface Loaded {
  day: DayView;
  data: ClinicData;
  patients: Map<string, Patient>;
}

function Day(props: { clinicId: string; date: string; me: Me }) {
  const { clinicId, date } = props;
  const [lanes, setLanes] = useState<Lanes>('specialist');
  const [plan, setPlan] = useState<PlanOnDay | null>(null);
  const loaded = useLoad(async (): Promise<Loaded> => {
    const [day, data] = await Promise.all([
      ok(client.GET('/api/schedule/days/{date}', { params: { path: { date }, query: { clinicId } } })),
      loadClinicData(clinicId),
    ]);
    // The day carries its patients (one query, audited as disclosed); admins get none.
    const patients = new Map<string, Patient>(day.patients.map((p) => [p.caseId, p]));
    return { day, data, patients };
  }, [clinicId, date]);
  if (loaded.error !== undefined) return html`<${LoadError} text=${loaded.error} retry=${loaded.reload} />`;
  if (loaded.data === undefined) return html`<${Loading} what="the day" />`;
  const { day, data } = loaded.data;
  const tz = day.timeZone;
  const patients = new Map([...loaded.data.patients, ...(plan?.patients ?? [])]);
  const coordinator = props.me.role === 'coordinator';

  // One colour per patient, in order of their first visit; the name on every slot says who it is.
  const slots = uniqueSlots(day);
  const order = [...new Set([...slots.map((s) => s.caseId), ...(plan?.plan.placed.map((p) => p.caseId) ?? [])])];
  const tone = (caseId: string): number => order.indexOf(caseId);
  const who = (caseId: string): string => {
    const p = patients.get(caseId);
    return p === undefined ? 'A patient you cannot see' : `${patientName(p)}, MRN ${p.mrn}`;
  };
  const item = (
    a: {
      caseId: string;
      discipline: string;
      specialistId: string;
      start: string;
      end: string;
      patientAttends?: boolean;
    },
    key: string,
    flags: { conflict?: boolean; proposed?: boolean },
  ): TimelineItem => {
    const p = patients.get(a.caseId);
    const note = flags.proposed === true ? ' (proposed)' : flags.conflict === true ? ' (conflict)' : '';
    // A review of records without the patient (pathology, radiology) is no visit: it may overlap one.
    const review = a.patientAttends === false;
    return {
      key,
      span: spanOf(a),
      href: `#/case/${a.caseId}`,
      tone: tone(a.caseId),
      proposed: flags.proposed,
      conflict: flags.conflict,
      label: `${clockTime(a.start, tz)}–${clockTime(a.end, tz)} ${who(a.caseId)}, ${disciplineWords(a.discipline)}${review ? ' review, patient not present,' : ''} with ${specialistName(data, a.specialistId, a.discipline)}${note}`,
      children: html`<span class="tl-time"
          >${clockTime(a.start, tz)}${flags.proposed === true ? html` <span class="tl-flag">Proposed</span>` : null}${
            flags.conflict === true ? html` <span class="tl-flag">⚠ Conflict</span>` : null
          }</span
        >
        <strong class="tl-name">${p === undefined ? 'Patient' : patientName(p)}</strong>
        <span class="tl-mrn">${p === undefined ? '' : `MRN ${p.mrn}`}</span>
        <span class="tl-what">${disciplineWords(a.discipline)}${review ? ' review, patient not present' : ''}</span>`,
    };
  };
  const proposed = (plan?.plan.placed ?? []).flatMap((p) =>
    p.appointments.map((a, i) => ({ ...a, caseId: p.caseId, key: `plan-${p.caseId}-${i}` })),
  );
  const bySpecialist = new Map(day.bySpecialist.map((s) => [s.specialistId, s]));
  const specialistLane = (s: DayView['bySpecialist'][number]): TimelineLane => ({
    key: s.specialistId,
    title: html`<strong>${specialistName(data, s.specialistId)}</strong>
      <span class="muted">${s.disciplines.map(disciplineWords).join(', ')}</span>`,
    free: s.free.map(spanOf),
    items: [
      ...s.appointments.map((a) =>
        item({ ...a, specialistId: s.specialistId }, a.appointmentId, { conflict: a.conflict }),
      ),
      ...proposed.filter((a) => a.specialistId === s.specialistId).map((a) => item(a, a.key, { proposed: true })),
    ],
  });
  const clinicDay: Span = {
    start: zonedInstant(date, data.clinic.dayStart, tz),
    end: zonedInstant(date, data.clinic.dayEnd, tz),
  };
  const specialistOf = new Map(slots.map((s) => [s.appointmentId, s.specialistId]));
  const roomLanes: TimelineLane[] = day.byRoom.map((r) => ({
    key: r.roomId,
    title: html`<strong>${r.name}</strong>`,
    free: [clinicDay],
    items: [
      ...r.appointments.map((a) =>
        item({ ...a, specialistId: specialistOf.get(a.appointmentId) ?? '' }, a.appointmentId, {
          conflict: a.conflict,
        }),
      ),
      ...proposed.filter((a) => a.roomId === r.roomId).map((a) => item(a, a.key, { proposed: true })),
    ],
  }));
  // The hours anyone works or is booked (the whole clinic day when nobody does): wide enough to read.
  const range = rangeOf(
    day.bySpecialist.flatMap((s) => s.free.map(spanOf)),
    [...slots.map(spanOf), ...proposed.map(spanOf)],
    clinicDay,
  );
  const zone = `Times in ${tz} (${zoneLabel(tz, new Date(clinicDay.start))})`;
  const conflicts = slots.filter((s) => s.conflict);
  const shown = lanes === 'specialist' ? day.bySpecialist.map(specialistLane) : roomLanes;

  return html`
    <section aria-labelledby="day-h">
      <h2 id="day-h">${data.clinic.name}, ${calendarDate(date)}</h2>
      <p class="muted" id="day-zone">${zone}</p>
      <div class="tl-toggle" role="group" aria-label="Lanes">
        <span class="tl-toggle-label" aria-hidden="true">One lane per</span>
        <button
          type="button"
          class=${`btn ${lanes === 'specialist' ? 'btn-secondary tl-on' : 'btn-quiet'}`}
          aria-pressed=${lanes === 'specialist'}
          onClick=${() => setLanes('specialist')}
        >
          Specialist
        </button>
        <button
          type="button"
          class=${`btn ${lanes === 'room' ? 'btn-secondary tl-on' : 'btn-quiet'}`}
          aria-pressed=${lanes === 'room'}
          onClick=${() => setLanes('room')}
        >
          Room
        </button>
      </div>
      ${
        shown.length === 0
          ? html`<${EmptyState}
              title=${lanes === 'specialist' ? 'No specialist works in this clinic' : 'This clinic has no rooms'}
              >An administrator or coordinator adds them.<//
            >`
          : html`<${Timeline}
              label=${`${lanes === 'specialist' ? 'Specialists' : 'Rooms'} on ${calendarDate(date)}. ${zone}`}
              headLabel=${lanes === 'specialist' ? 'Specialist' : 'Room'}
              timeZone=${tz}
              range=${range}
              lanes=${shown}
            />`
      }
      <${Key} />
      ${
        slots.length === 0 && proposed.length === 0
          ? html`<${EmptyState} title="Nothing is booked this day"
              >${coordinator ? 'Plan the day below, or book a case from its page.' : null}<//
            >`
          : html`<${Legend} day=${day} order=${order} who=${who} timeZone=${tz} plan=${plan} />`
      }
      ${
        conflicts.length === 0
          ? null
          : html`<div class="alert alert-warning" role="status">
              <strong>${plural(conflicts.length, 'visit')} no longer fit${conflicts.length === 1 ? 's' : ''}.</strong>
              ${' '}Their specialist is no longer available then (time away, or changed hours):
              <ul>
                ${conflicts.map(
                  (c) =>
                    html`<li key=${c.appointmentId}>
                      ${`${clockTime(c.start, tz)} ${who(c.caseId)} — ${disciplineWords(c.discipline)} with ${specialistName(data, c.specialistId, c.discipline)}`}
                    </li>`,
                )}
              </ul>
              ${coordinator ? 'Sick-day repair below moves them.' : 'The coordinator moves them.'}
            </div>`
      }
    </section>
    ${
      coordinator
        ? html`<${DayPlanner}
              clinicId=${clinicId}
              date=${date}
              day=${day}
              data=${data}
              patients=${patients}
              plan=${plan}
              onPlan=${setPlan}
              onBooked=${() => {
                setPlan(null);
                loaded.reload();
              }}
            />
            <${SickDay}
              clinicId=${clinicId}
              date=${date}
              day=${day}
              data=${data}
              who=${who}
              bySpecialist=${bySpecialist}
              onRepaired=${loaded.reload}
            />`
        : null
    }
  `;
}

/** Each booked appointment once, with its specialist (the day lists them per specialist and again per room). */
export function uniqueSlots(day: DayView): (Slot & { specialistId: string })[] {
  return day.bySpecialist
    .flatMap((s) => s.appointments.map((a) => ({ ...a, specialistId: s.specialistId })))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** What the timeline's marks mean, each in words. */
function Key() {
  return html`<ul class="tl-key" aria-label="Key">
    <li><span class="tl-swatch tone-0" aria-hidden="true"></span> A visit: time, patient, MRN, discipline</li>
    <li><span class="tl-swatch tl-swatch-free" aria-hidden="true"></span> Free</li>
    <li><span class="tl-swatch tl-swatch-unavailable" aria-hidden="true"></span> Not available</li>
    <li><span class="tl-swatch tl-swatch-proposed" aria-hidden="true"></span> “Proposed”: planned, not booked</li>
    <li>
      <span class="tl-swatch tl-swatch-conflict" aria-hidden="true"></span> “Conflict”: the specialist is no longer free
    </li>
  </ul>`;
}

/** The day's patients, each with their colour, visits and time in clinic. */
function Legend(props: {
  day: DayView;
  order: string[];
  who: (caseId: string) => string;
  timeZone: string;
  plan: PlanOnDay | null;
}) {
  const slots = uniqueSlots(props.day);
  return html`<h3 id="legend-h">Patients this day</h3>
    <ul class="tl-legend" aria-labelledby="legend-h">
      ${props.order.map((caseId, i) => {
        const mine = slots.filter((s) => s.caseId === caseId);
        const planned = props.plan?.plan.placed.find((p) => p.caseId === caseId);
        const visits = mine.length > 0 ? mine : (planned?.appointments ?? []);
        const attended = visits.filter((v) => v.patientAttends).map(spanOf);
        const from = Math.min(...attended.map((v) => v.start));
        const to = Math.max(...attended.map((v) => v.end));
        return html`<li key=${caseId}>
          <span class=${`tl-swatch tone-${i % 6}`} aria-hidden="true"></span>
          <a href=${`#/case/${caseId}`}>${props.who(caseId)}</a>
          ${mine.length === 0 ? html` <span class="tl-flag">Proposed</span>` : null}
          <span class="muted">
            — ${plural(visits.filter((v) => v.patientAttends).length, 'visit')}
            ${
              attended.length === 0
                ? ''
                : `, ${clockTime(new Date(from), props.timeZone)}–${clockTime(new Date(to), props.timeZone)}, ${duration(timeInClinic(visits))} in clinic`
            }
          </span>
        </li>`;
      })}
    </ul>`;
}
