import { client, download, ok } from '../api/client.js';
import { navigate, useHashPath, type Me } from '../router.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { calendarDate, isoDateIn, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { nameWithCredentials, professionWords } from '../ui/professions.js';
import { useLoad } from '../ui/use-load.js';
import { disciplineList, hours } from './roster.js';

/**
 * A clinic's CME attendance over a calendar year (in its time zone): per
 * person the sessions attended, minutes and credit hours, with the roster
 * as CSV or PDF and each person's certificate of the year.
 */
export function YearRosterPage(props: { year: string; me: Me }) {
  const { query } = useHashPath();
  const clinics = useLoad(
    () => ok(client.GET('/api/clinics', { params: { query: { limit: 200 } } })).then((p) => p.items),
    [],
  );
  const chosen = query.get('clinic') ?? clinics.data?.[0]?.id ?? '';
  const year = /^\d{4}$/.test(props.year) ? Number(props.year) : undefined;
  const roster = useLoad(
    async () =>
      chosen === '' || year === undefined
        ? undefined
        : ok(
            client.GET('/api/attendance-rosters/{year}', {
              params: { path: { year }, query: { clinicId: chosen, format: 'json' } },
            }),
          ).then((r) => (typeof r === 'string' ? undefined : r)),
    [chosen, year],
  );
  const go = (y: string, clinic: string): void => navigate(`/board/rosters/${y}?clinic=${clinic}`);
  const head = html`<p>
      <a href=${props.me.role === 'admin' ? '#/reports' : '#/board'}
        >← ${props.me.role === 'admin' ? 'Reports' : 'Board sessions'}</a
      >
    </p>
    <h1>Attendance roster ${props.year}</h1>`;
  if (clinics.error !== undefined) return html`<main>${head}<${LoadError} text=${clinics.error} /></main>`;
  if (clinics.data === undefined) return html`<main>${head}<${Loading} /></main>`;
  if (clinics.data.length === 0)
    return html`<main>
      ${head}<${EmptyState} title="You are not a member of any clinic">An administrator adds you to one.<//>
    </main>`;
  const r = roster.data;
  const base = `/api/attendance-rosters/${props.year}`;
  const starts = new Map((r?.sessions ?? []).map((s) => [s.id, s]));
  return html`<main class="year-roster">
    ${head}
    <div class="field-row">
      ${SelectField({
        label: 'Clinic',
        name: 'roster-clinic',
        value: chosen,
        onInput: (v) => go(props.year, v),
        options: clinics.data.map((k) => ({ value: k.id, label: k.name })),
      })}
      ${Field({
        label: 'Year',
        name: 'roster-year',
        type: 'number',
        value: props.year,
        min: '2000',
        max: '2100',
        onInput: (v) => /^\d{4}$/.test(v) && go(v, chosen),
      })}
    </div>
    ${roster.error === undefined ? null : html`<${LoadError} text=${roster.error} retry=${roster.reload} />`}
    ${
      r === undefined
        ? roster.error === undefined
          ? html`<${Loading} what="the roster" />`
          : null
        : html`<p>
              ${`${r.clinicName}: ${plural(r.sessions.length, 'session')} with attendance, ${plural(r.people.length, 'person', 'people')}. Dates in ${r.timeZone}.`}
            </p>
            ${
              r.people.length === 0
                ? html`<${EmptyState} title="Nobody attended a session of this clinic in this year" />`
                : html`<div class="table-wrap roster-wrap">
                    <table class="roster-table">
                      <thead>
                        <tr>
                          <th scope="col">Name</th>
                          <th scope="col">Profession</th>
                          <th scope="col">Discipline</th>
                          <th scope="col">Sessions attended</th>
                          <th scope="col">Minutes</th>
                          <th scope="col">Credit hours</th>
                          <th scope="col"><span class="sr-only">Certificate</span></th>
                        </tr>
                      </thead>
                      <tbody>
                        ${r.people.map(
                          (p) =>
                            html`<tr key=${p.userId}>
                              <th scope="row">${nameWithCredentials(p)}</th>
                              <td>${professionWords(p.profession)}</td>
                              <td>${disciplineList(p.disciplines)}</td>
                              <td>
                                ${p.sessionsAttended}
                                <ul class="stays">
                                  ${p.sessions.map((e) => {
                                    const s = starts.get(e.sessionId);
                                    return s === undefined
                                      ? null
                                      : html`<li key=${e.sessionId}>
                                          <a href=${`#/board/${s.id}`}
                                            >${`${calendarDate(isoDateIn(s.startsAt, r.timeZone))} ${s.title}`}</a
                                          >${` (${e.minutes} min)`}
                                        </li>`;
                                  })}
                                </ul>
                              </td>
                              <td class="num">${p.minutes}</td>
                              <td class="num">${hours(p.creditHours)}</td>
                              <td>
                                <${Button}
                                  variant="quiet"
                                  label=${`Certificate of ${props.year} for ${p.displayName}`}
                                  onClick=${() => download(`${base}/certificates/${p.userId}?clinicId=${chosen}`, 'certificate.pdf')}
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
                onClick=${() => download(`${base}?clinicId=${chosen}&format=csv`, 'roster.csv')}
                >Download CSV<//
              >
              <${Button}
                variant="quiet"
                onClick=${() => download(`${base}?clinicId=${chosen}&format=pdf`, 'roster.pdf')}
                >Download PDF<//
              >
            </div>`
    }
  </main>`;
}
