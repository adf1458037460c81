import { useEffect, useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { navigate } from '../router.js';
import { CASE_STATUS_ORDER, CaseStatusBadge, caseStatusWords, SyntheticBadge, UrgencyBadge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { morphologyWithName, topographyWithName } from '../ui/codes.js';
import { EmptyState, LoadError } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { ageOn, calendarDate, dateTime, plural } from '../ui/format.js';
import { html } from '../ui/html.js';
import { RECORD_TYPE_WORDS, SEX_WORDS, labelOf } from '../ui/labels.js';
import { problemText } from '../ui/problem.js';
import { useLoad } from '../ui/use-load.js';

type Summary = Schemas['CaseSummaryDto'];
type Status = Summary['status'];
type Urgency = Summary['urgency'];

const STATUSES = CASE_STATUS_ORDER as Status[];
const PAGE = 25;
/** Before a case is ready, what it still lacks is the coordinator's work; after, readiness is settled. */
const BEFORE_READY: readonly Status[] = ['referred', 'records_pending'];

function Readiness(props: { c: Summary }) {
  const { c } = props;
  if (!BEFORE_READY.includes(c.status)) return html`<span class="muted">—</span>`;
  if (c.readinessGaps.length === 0) return html`<span>All records in</span>`;
  return html`<span title=${c.readinessGaps.map((g) => labelOf(RECORD_TYPE_WORDS, g)).join(', ')}
    >${plural(c.readinessGaps.length, 'record')} missing:
    ${c.readinessGaps.map((g) => labelOf(RECORD_TYPE_WORDS, g)).join(', ')}</span
  >`;
}

function NextDate(props: { c: Summary; timeZone: string }) {
  const { c, timeZone } = props;
  const items = [
    c.nextVisitAt === null ? null : html`<div>Visit ${dateTime(c.nextVisitAt, timeZone)}</div>`,
    c.nextBoardAt === null ? null : html`<div>Board ${dateTime(c.nextBoardAt, timeZone)}</div>`,
  ].filter((x) => x !== null);
  return items.length === 0 ? html`<span class="muted">None booked</span>` : items;
}

/**
 * The coordinator's work list: who each patient is (name, MRN, birth date,
 * sex), their cancer, where the case stands and what comes next; searched by
 * name or MRN, filtered, paged over the keyset API.
 */
export function CaseList(props: { me: Me }) {
  const coordinator = props.me.role === 'coordinator';
  const clinics = useLoad(() => ok(client.GET('/api/clinics', { params: { query: { limit: 100 } } })), []);
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [urgency, setUrgency] = useState('');
  const [clinicId, setClinicId] = useState('');
  const [items, setItems] = useState<Summary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);

  const fetchPage = async (after: string | null): Promise<Schemas['CasePageDto']> =>
    ok(
      client.GET('/api/cases', {
        params: {
          query: {
            limit: PAGE,
            ...(search === '' ? {} : { q: search }),
            ...(status === '' ? {} : { status: status as Status }),
            ...(urgency === '' ? {} : { urgency: urgency as Urgency }),
            ...(clinicId === '' ? {} : { clinicId }),
            ...(after === null ? {} : { cursor: after }),
          },
        },
      }),
    );
  useEffect(() => {
    let live = true;
    setLoading(true);
    fetchPage(null).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(problemText(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [search, status, urgency, clinicId]);
  const more = async (): Promise<void> => {
    setLoading(true);
    try {
      const page = await fetchPage(cursor);
      setItems((have) => [...have, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(problemText(e));
    } finally {
      setLoading(false);
    }
  };
  const zoneOf = (id: string): string => clinics.data?.items.find((k) => k.id === id)?.timeZone ?? 'UTC';
  const filtered = search !== '' || status !== '' || urgency !== '' || clinicId !== '';
  return html`<main>
    <div class="page-head">
      <h1>Cases</h1>
      ${coordinator ? html`<${Button} variant="primary" onClick=${() => navigate('/cases/new')}>New referral<//>` : null}
    </div>
    <form
      class="field-row filters"
      role="search"
      aria-label="Find cases"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        setSearch(q.trim());
      }}
    >
      ${
        coordinator
          ? html`${Field({
                label: 'Family name or MRN',
                name: 'case-search',
                type: 'search',
                value: q,
                onInput: (v) => {
                  setQ(v);
                  if (v.trim() === '') setSearch('');
                },
              })} <${Button} type="submit" variant="secondary">Search<//>`
          : null
      }
      ${SelectField({
        label: 'Status',
        name: 'case-status',
        value: status,
        onInput: setStatus,
        placeholder: 'Any status',
        options: STATUSES.map((s) => ({ value: s, label: caseStatusWords(s) })),
      })}
      ${SelectField({
        label: 'Urgency',
        name: 'case-urgency',
        value: urgency,
        onInput: setUrgency,
        placeholder: 'Any urgency',
        options: [
          { value: 'urgent', label: 'Urgent' },
          { value: 'routine', label: 'Routine' },
        ],
      })}
      ${
        (clinics.data?.items.length ?? 0) > 1
          ? SelectField({
              label: 'Clinic',
              name: 'case-clinic',
              value: clinicId,
              onInput: setClinicId,
              placeholder: 'All my clinics',
              options: (clinics.data?.items ?? []).map((k) => ({ value: k.id, label: k.name })),
            })
          : null
      }
    </form>
    ${error === undefined ? null : html`<${LoadError} text=${error} />`}
    <p class="muted" role="status" aria-live="polite">
      ${loading ? 'Loading cases…' : `${plural(items.length, 'case')} shown${cursor === null ? '' : ', more below'}`}
    </p>
    ${
      !loading && items.length === 0 && error === undefined
        ? html`<${EmptyState} title=${filtered ? 'No case matches' : 'No cases yet'}>
            ${filtered ? 'Try another name, MRN or filter.' : coordinator ? 'Start with “New referral”.' : ''}
          <//>`
        : items.length === 0
          ? null
          : html`<div class="table-wrap">
              <table class="case-table">
                <thead>
                  <tr>
                    <th scope="col">Patient</th>
                    <th scope="col">Diagnosis</th>
                    <th scope="col">Status</th>
                    <th scope="col">Readiness</th>
                    <th scope="col">Next</th>
                  </tr>
                </thead>
                <tbody>
                  ${items.map(
                    (c) =>
                      html`<tr key=${c.id}>
                        <td data-label="Patient">
                          <a href=${`#/case/${c.id}`}
                            ><strong>${c.patient.familyName.toUpperCase()}</strong>, ${c.patient.givenName}</a
                          >
                          <div class="muted">
                            ${`MRN ${c.patient.mrn} · born ${calendarDate(c.patient.birthDate)} (${ageOn(c.patient.birthDate)} y) · ${labelOf(SEX_WORDS, c.patient.sex)}`}
                          </div>
                        </td>
                        <td data-label="Diagnosis">
                          ${
                            c.diagnosis === null
                              ? html`<span class="muted">Not recorded</span>`
                              : html`<div>${topographyWithName(c.diagnosis.primarySite)}</div>
                                  <div class="muted">${morphologyWithName(c.diagnosis.histology)}</div>`
                          }
                        </td>
                        <td data-label="Status">
                          <${CaseStatusBadge} status=${c.status} />
                          ${c.urgency === 'urgent' ? html` <${UrgencyBadge} urgency=${c.urgency} />` : null}
                          ${c.synthetic ? html` <${SyntheticBadge} />` : null}
                        </td>
                        <td data-label="Readiness"><${Readiness} c=${c} /></td>
                        <td data-label="Next"><${NextDate} c=${c} timeZone=${zoneOf(c.clinicId)} /></td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    ${
      cursor === null
        ? null
        : html`<p><${Button} variant="secondary" disabled=${loading} onClick=${more}>Show more cases<//></p>`
    }
  </main>`;
}
