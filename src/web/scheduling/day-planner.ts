import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { CheckboxField } from '../ui/field.js';
import { calendarDate, clockTime, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { type ClinicData, disciplineWords, type Patient, patientName, specialistName } from './clinic-data.js';
import { dayFigures, type DayView, duration, inWords, timeInClinic, waiting } from './day-math.js';

export interface PlanOnDay {
  plan: Schemas['DayPlanDto'];
  /** The patients of the planned cases (they have no booking yet, so the day does not name them). */
  patients: Map<string, Patient>;
}

/**
 * "Plan this day": the ready cases of the clinic planned jointly on the day
 * (POST …/plan, nothing booked), its figures beside the day as booked now,
 * then booked case by case.
 */
export function DayPlanner(props: {
  clinicId: string;
  date: string;
  day: DayView;
  data: ClinicData;
  patients: Map<string, Patient>;
  plan: PlanOnDay | null;
  onPlan: (p: PlanOnDay | null) => void;
  onBooked: () => void;
}) {
  const tz = props.day.timeZone;
  const ready = useLoad(
    () =>
      ok(client.GET('/api/cases', { params: { query: { clinicId: props.clinicId, status: 'ready', limit: 100 } } })),
    [props.clinicId],
  );
  const [left, setLeft] = useState<Set<string>>(new Set());
  const [planError, setPlanError] = useState<string>();
  const [failed, setFailed] = useState<{ caseId: string; text: string }[]>([]);
  const cases = ready.data?.items ?? [];
  const chosen = cases.filter((c) => !left.has(c.id));
  const name = (caseId: string): string => {
    const p = props.plan?.patients.get(caseId) ?? props.patients.get(caseId);
    return p === undefined ? 'A patient' : `${patientName(p)}, MRN ${p.mrn}`;
  };

  const plan = async (): Promise<void> => {
    setPlanError(undefined);
    setFailed([]);
    if (chosen.length === 0) {
      setPlanError('Choose at least one patient to plan.');
      return;
    }
    try {
      const result = await ok(
        client.POST('/api/schedule/days/{date}/plan', {
          params: { path: { date: props.date } },
          body: { clinicId: props.clinicId, caseIds: chosen.map((c) => c.id) },
        }),
      );
      props.onPlan({ plan: result, patients: new Map(cases.map((c) => [c.id, c.patient])) });
    } catch (e) {
      setPlanError(inWords(problemText(e)));
    }
  };

  const book = async (p: PlanOnDay): Promise<void> => {
    const failures: { caseId: string; text: string }[] = [];
    let booked = 0;
    // One itinerary at a time: each is checked against those booked before it.
    for (const placed of p.plan.placed) {
      try {
        await ok(
          client.POST('/api/cases/{id}/itinerary', {
            params: { path: { id: placed.caseId } },
            body: {
              date: p.plan.date,
              appointments: placed.appointments.map((a) => ({
                discipline: a.discipline,
                specialistId: a.specialistId,
                roomId: a.roomId,
                start: a.start,
                end: a.end,
              })),
            },
          }),
        );
        booked++;
      } catch (e) {
        failures.push({ caseId: placed.caseId, text: `${name(placed.caseId)}: ${inWords(problemText(e))}` });
      }
    }
    setFailed(failures);
    if (booked > 0) toastSuccess(`${plural(booked, 'patient')} booked on ${calendarDate(p.plan.date)}.`);
    ready.reload();
    props.onBooked();
  };

  const now = dayFigures(props.day);
  const current = props.plan;
  const after = current === null ? undefined : dayFigures(props.day, current.plan.placed);
  const row = (label: string, a: string, b: string | undefined) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${a}</td>
      ${b === undefined ? null : html`<td>${b}</td>`}
    </tr>`;

  return html`<section aria-labelledby="plan-h">
    <h2 id="plan-h">Day planner</h2>
    ${
      ready.error !== undefined
        ? html`<${LoadError} text=${ready.error} retry=${ready.reload} />`
        : ready.data === undefined
          ? html`<${Loading} what="the cases ready to schedule" />`
          : cases.length === 0
            ? html`<${EmptyState} title="No case is ready to schedule"
                >Cases appear here once their records are complete.<//
              >`
            : html`<fieldset class="plan-cases">
                <legend>Patients to plan (${plural(cases.length, 'case')} ready to schedule)</legend>
                ${cases.map((c) =>
                  CheckboxField({
                    label: `${patientName(c.patient)}, MRN ${c.patient.mrn}${c.urgency === 'urgent' ? ' (urgent)' : ''}`,
                    name: `plan-${c.id}`,
                    checked: !left.has(c.id),
                    onInput: (on) => {
                      const next = new Set(left);
                      if (on) next.delete(c.id);
                      else next.add(c.id);
                      setLeft(next);
                    },
                  }),
                )}
              </fieldset>`
    }
    ${planError === undefined ? null : html`<p class="error" role="alert">${planError}</p>`}
    <div class="actions">
      <${Button} variant=${current === null ? 'primary' : 'secondary'} onClick=${plan} disabled=${cases.length === 0}
        >${current === null ? 'Plan this day' : 'Plan again'}<//
      >
    </div>
    <div role="status" aria-live="polite">
      ${
        current === null || after === undefined
          ? null
          : html`<h3>Proposal: ${plural(current.plan.placed.length, 'patient')} placed</h3>
              <p>
                <${Badge} tone="info">Proposed, not booked<//>
                ${' '}${
                  current.plan.provenOptimal
                    ? 'No plan can give these patients shorter days.'
                    : `The best plan found; no plan of these patients can total less than ${duration(current.plan.lowerBound)} in clinic.`
                }
              </p>
              <div class="table-wrap">
                <table>
                  <caption class="muted">
                    The day as booked now and with this plan
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col"><span class="sr-only">Figure</span></th>
                      <th scope="col">Booked now</th>
                      <th scope="col">With this plan</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${row('Patients seen', String(now.patients), String(after.patients))}
                    ${row('Time in clinic, all patients', duration(now.timeInClinic), duration(after.timeInClinic))}
                    ${row('Waiting between visits', duration(now.waiting), duration(after.waiting))}
                    ${row('Gaps in specialists’ days', duration(now.specialistIdle), duration(after.specialistIdle))}
                  </tbody>
                </table>
              </div>
              <div class="table-wrap">
                <table>
                  <caption class="muted">
                    Proposed visits
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Patient</th>
                      <th scope="col">Visits</th>
                      <th scope="col">In clinic</th>
                      <th scope="col">Waiting</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${current.plan.placed.map(
                      (p) =>
                        html`<tr key=${p.caseId}>
                          <th scope="row"><a href=${`#/case/${p.caseId}`}>${name(p.caseId)}</a></th>
                          <td>
                            <ul class="plain">
                              ${[...p.appointments]
                                .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
                                .map(
                                  (a) =>
                                    html`<li>
                                      ${`${clockTime(a.start, tz)} ${disciplineWords(a.discipline)}, ${specialistName(props.data, a.specialistId, a.discipline)}`}
                                    </li>`,
                                )}
                            </ul>
                          </td>
                          <td>${duration(timeInClinic(p.appointments))}</td>
                          <td>${duration(waiting(p.appointments))}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${
                current.plan.unplaced.length === 0
                  ? null
                  : html`<div class="alert alert-warning">
                      <strong>Not placed this day:</strong>
                      <ul>
                        ${current.plan.unplaced.map((u) => html`<li>${name(u.caseId)}: ${inWords(u.reason)}</li>`)}
                      </ul>
                    </div>`
              }`
      }
    </div>
    ${
      failed.length === 0
        ? null
        : html`<div class="alert alert-danger" role="alert">
            <strong>Not booked:</strong>
            <ul>
              ${failed.map((f) => html`<li key=${f.caseId}>${f.text}</li>`)}
            </ul>
            Plan the day again for them.
          </div>`
    }
    ${
      current === null || current.plan.placed.length === 0
        ? null
        : html`<div class="actions">
            <${Button} variant="primary" onClick=${() => book(current)}
              >Book this plan (${plural(current.plan.placed.length, 'patient')})<//
            >
            <${Button} variant="quiet" onClick=${() => props.onPlan(null)}>Discard the proposal<//>
          </div>`
    }
  </section>`;
}
