import { useState } from 'preact/hooks';
import { client, download, ok } from '../api/client.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { CHANGE_TYPE_WORDS, DISCIPLINE_WORDS, labelOf, PRESENTATION_REASON_WORDS } from '../ui/labels.js';
import { useLoad } from '../ui/use-load.js';
import type { Me } from '../router.js';
import { FollowUpFigures } from './follow-up-figures.js';

const share = (x: { n: number; pct: number }): string => `${x.n} (${x.pct} %)`;

/** Concordance of the board's diagnoses with the referring ones, and the CoC conference figures, per clinic. */
export function Reports(props: { me?: Me } = {}) {
  const clinics = useLoad(() => ok(client.GET('/api/clinics', { params: { query: { limit: 100 } } })), []);
  const [clinicId, setClinicId] = useState('');
  const year = new Date().getFullYear();
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year + 1}-01-01`);
  const [confYear, setConfYear] = useState(String(year));
  const chosen = clinicId !== '' ? clinicId : (clinics.data?.items[0]?.id ?? '');
  const concordance = useLoad(
    async () =>
      chosen === ''
        ? undefined
        : ok(
            client.GET('/api/reports/concordance', {
              params: { query: { clinicId: chosen, from, to, format: 'json' } },
            }),
          ).then(
            // The route answers CSV too; asked for JSON, it is the report.
            (r) => (typeof r === 'string' ? undefined : r),
          ),
    [chosen, from, to],
  );
  const conference = useLoad(
    async () =>
      chosen === '' || !/^\d{4}$/.test(confYear)
        ? undefined
        : ok(
            client.GET('/api/reports/conference', { params: { query: { clinicId: chosen, year: Number(confYear) } } }),
          ),
    [chosen, confYear],
  );
  if (clinics.error !== undefined)
    return html`<main>
      <h1>Reports</h1>
      <${LoadError} text=${clinics.error} />
    </main>`;
  if (clinics.data === undefined)
    return html`<main>
      <h1>Reports</h1>
      <${Loading} />
    </main>`;
  if (clinics.data.items.length === 0)
    return html`<main>
      <h1>Reports</h1>
      <${EmptyState} title="You are not a member of any clinic">An administrator adds you to one.<//>
    </main>`;
  const c = concordance.data;
  const byType = Object.entries(c?.byChangeType ?? {});
  const max = Math.max(1, ...byType.map(([, v]) => v));
  const conf = conference.data;
  return html`<main>
    <h1>Reports</h1>
    <div class="field-row">
      ${SelectField({
        label: 'Clinic',
        name: 'report-clinic',
        value: chosen,
        onInput: setClinicId,
        options: clinics.data.items.map((k) => ({ value: k.id, label: k.name })),
      })}
    </div>
    <section aria-labelledby="concordance-h">
      <h2 id="concordance-h">Concordance with the referring diagnosis</h2>
      <div class="field-row">
        ${Field({ label: 'Referred from', name: 'report-from', type: 'date', value: from, onInput: setFrom })}
        ${Field({ label: 'Up to (not including)', name: 'report-to', type: 'date', value: to, onInput: setTo })}
      </div>
      ${concordance.error === undefined ? null : html`<${LoadError} text=${concordance.error} />`}
      ${
        c === undefined
          ? concordance.error === undefined
            ? html`<${Loading} what="the concordance report" />`
            : null
          : c.casesReviewed === 0
            ? html`<${EmptyState} title="No case reviewed in this period"
                >Cases count once the board has recorded its diagnosis.<//
              >`
            : html`<p role="status">
                  ${plural(c.casesReviewed, 'case')} reviewed; the board changed the diagnosis of ${share(c.changed)}.
                </p>
                <div class="table-wrap">
                  <table>
                    <caption class="muted">
                      Diagnosis changes and their impact on management
                    </caption>
                    <tbody>
                      <tr>
                        <th scope="row"><${Badge} tone="danger">Major change<//> management changed</th>
                        <td>${share(c.major)}</td>
                      </tr>
                      <tr>
                        <th scope="row"><${Badge} tone="warning">Minor change<//> management unchanged</th>
                        <td>${share(c.minor)}</td>
                      </tr>
                      <tr>
                        <th scope="row"><${Badge} tone="success">Concordant<//></th>
                        <td>${share(c.concordant)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Management changed</th>
                        <td>${share(c.managementImpact.changed)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Management may change (pending)</th>
                        <td>${share(c.managementImpact.potential)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Management unchanged</th>
                        <td>${share(c.managementImpact.none)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Additional cancer found</th>
                        <td>${share(c.additionalCancers)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Pathology reinterpreted</th>
                        <td>${share(c.pathologyReinterpretation)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Stage raised</th>
                        <td>${share(c.stageUp)}</td>
                      </tr>
                      <tr>
                        <th scope="row">Stage lowered</th>
                        <td>${share(c.stageDown)}</td>
                      </tr>
                    </tbody>
                  </table>
                </div>
                <h3>Changes by category</h3>
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Category</th>
                        <th scope="col">Cases</th>
                        <th scope="col"><span class="sr-only">Share</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${byType.map(
                        ([k, v]) =>
                          html`<tr>
                            <th scope="row">${labelOf(CHANGE_TYPE_WORDS, k)}</th>
                            <td>${v}</td>
                            <td style="width:50%">
                              <div class="bar" style=${`width:${(v / max) * 100}%`} aria-hidden="true"></div>
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>
                <div class="actions">
                  <${Button}
                    variant="quiet"
                    onClick=${() =>
                      download(
                        `/api/reports/concordance?clinicId=${chosen}&from=${from}&to=${to}&format=csv`,
                        `concordance-${from}.csv`,
                      )}
                    >Download as CSV<//
                  >
                </div>`
      }
    </section>
    <section aria-labelledby="conference-h">
      <h2 id="conference-h">Cancer conference (CoC Standard 2.5)</h2>
      <div class="field-row">
        ${Field({ label: 'Year', name: 'report-year', inputmode: 'numeric', value: confYear, onInput: setConfYear })}
      </div>
      ${
        props.me?.role === 'coordinator' || props.me?.role === 'admin'
          ? html`<p>
              <a href=${`#/board/rosters/${confYear}?clinic=${chosen}`}>Attendance roster (CME) of ${confYear}</a>
            </p>`
          : null
      }
      ${conference.error === undefined ? null : html`<${LoadError} text=${conference.error} />`}
      ${
        conf === undefined
          ? null
          : html`<p role="status">
                ${`${plural(conf.sessions, 'session')}, ${plural(conf.casesPresented, 'case')} presented. `}
                ${
                  conf.presentations.total === 0
                    ? 'No presentation yet this year, so the prospective target (CoC 2.5) cannot be judged.'
                    : html`${`Prospective: ${conf.prospective.pct} % of ${plural(conf.presentations.total, 'presentation')} (target ${conf.prospective.targetPct} %) `}
                      ${conf.prospective.met ? html`<${Badge} tone="success">Target met<//>` : html`<${Badge} tone="danger">Target not met<//>`}.
                      ${` Presentations with no reason or treatment date recorded (${conf.prospective.unknown}) count against the target.`}`
                }
              </p>
              <div class="table-wrap">
                <table>
                  <caption class="muted">
                    Attendance of required disciplines
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Discipline</th>
                      <th scope="col">Sessions attended</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${Object.entries(conf.attendanceByDiscipline).map(
                      ([d, a]) =>
                        html`<tr>
                          <th scope="row">${labelOf(DISCIPLINE_WORDS, d)}</th>
                          <td>${a.sessions} (${a.pct} %)</td>
                        </tr>`,
                    )}
                    <tr>
                      <th scope="row">All required present</th>
                      <td>${share(conf.sessionsWithAllRequired)}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
              <div class="table-wrap">
                <table>
                  <caption class="muted">
                    Presentations by reason
                  </caption>
                  <tbody>
                    ${Object.entries(conf.presentations.byReason).map(
                      ([r, n]) =>
                        html`<tr>
                          <th scope="row">${labelOf(PRESENTATION_REASON_WORDS, r)}</th>
                          <td>${n}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <${FollowUpFigures} figures=${conf.followUp} />`
      }
    </section>
  </main>`;
}
