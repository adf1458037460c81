import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/session.js';
import { html } from '../ui/html.js';

// Views carried over from the first version of the app (untyped JSON); each is
// replaced by typed views of its area as the area is rebuilt.

export type Json = Record<string, unknown>;
export interface Page<T> {
  items: T[];
}

function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  useEffect(() => {
    load().then(setData, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [...deps, n]);
  return { data, error, reload: () => setN(n + 1) };
}

const words = (s: string): string => s.replace(/_/g, ' ');

export function Reports() {
  const clinics = useLoad(() => api<Page<Json>>('/api/clinics?limit=100'), []).data;
  const clinicId = String(clinics?.items[0]?.id ?? '');
  const year = new Date().getUTCFullYear();
  const { data } = useLoad(
    async () =>
      clinicId === ''
        ? undefined
        : {
            concordance: await api<Json>(
              `/api/reports/concordance?clinicId=${clinicId}&from=2000-01-01&to=${year + 1}-01-01`,
            ),
            conference: await api<Json>(`/api/reports/conference?clinicId=${clinicId}&year=${year}`),
          },
    [clinicId],
  );
  if (data === undefined)
    return html`<main>
      <h1>Reports</h1>
      <p>Loading…</p>
    </main>`;
  const c = data.concordance;
  const n = (k: string): Json => c[k] as Json;
  const byType = c.byChangeType as Record<string, number>;
  const max = Math.max(1, ...Object.values(byType));
  return html`<main>
    <h1>Reports</h1>
    <h2>Concordance</h2>
    <p>
      ${
        `${String(c.casesReviewed)} cases reviewed; changed ${String(n('changed').n)} (${String(n('changed').pct)} %); ` +
        `additional cancers ${String(n('additionalCancers').n)}; pathology reinterpretation ${String(n('pathologyReinterpretation').n)}.`
      }
    </p>
    <table aria-label="Concordance and management impact">
      <tr>
        <th scope="row">Major (management changed)</th>
        <td>${String(n('major').n)} (${String(n('major').pct)} %)</td>
      </tr>
      <tr>
        <th scope="row">Minor</th>
        <td>${String(n('minor').n)} (${String(n('minor').pct)} %)</td>
      </tr>
      <tr>
        <th scope="row">Concordant</th>
        <td>${String(n('concordant').n)} (${String(n('concordant').pct)} %)</td>
      </tr>
      ${(['changed', 'potential', 'none'] as const).map((k) => {
        const v = (c.managementImpact as Json)[k] as Json;
        return html`<tr>
          <th scope="row">Management impact ${k}</th>
          <td>${String(v.n)} (${String(v.pct)} %)</td>
        </tr>`;
      })}
    </table>
    <table aria-label="Changes by category">
      ${Object.entries(byType).map(
        ([k, v]) =>
          html`<tr>
            <th scope="row">${words(k)}</th>
            <td style="width:60%"><div class="bar" style=${`width:${(v / max) * 100}%`}></div></td>
            <td>${v}</td>
          </tr>`,
      )}
    </table>
    <h2>Conference ${year}</h2>
    <p>
      ${String(data.conference.sessions)} sessions, ${String(data.conference.casesPresented)} cases presented,
      ${(() => {
        const p = data.conference.prospective as Json;
        return `prospective ${String(p.pct)} % of presentations (${String(p.n)} prospective, ${String(p.retrospective)} retrospective, ${String(p.unknown)} unknown: no reason or treatment date recorded; unknown is never counted as compliant).`;
      })()}
    </p>
  </main>`;
}
