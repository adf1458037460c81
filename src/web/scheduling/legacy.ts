import { useState } from 'preact/hooks';
import { api, post } from '../api/session.js';
import { html } from '../ui/html.js';
import { Field } from '../ui/field.js';

// Views carried over from the first version of the app (untyped JSON); each is
// replaced by typed views of its area as the area is rebuilt.

import { type Json, type Page, useLoad, words } from '../shared/legacy.js';

export type { Json, Page };

const COLORS = ['#0b5cad', '#1a7f37', '#8250df', '#9a6700', '#b42318', '#0969da', '#6e7781'];

export function DayView() {
  const clinics = useLoad(() => api<Page<Json>>('/api/clinics?limit=100'), []).data;
  const [clinicId, setClinicId] = useState('');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [day, setDay] = useState<Json>();
  const [message, setMessage] = useState<string>();
  const load = async (): Promise<void> => {
    const id = clinicId || String(clinics?.items[0]?.id ?? '');
    setDay(await api<Json>(`/api/schedule/days/${date}?clinicId=${id}`));
  };
  const repair = async (): Promise<void> => {
    const id = clinicId || String(clinics?.items[0]?.id ?? '');
    const r = await post<Json>(`/api/schedule/days/${date}/repair`, { clinicId: id });
    setMessage(`Moved ${(r.moved as unknown[]).length}, unplaced ${(r.unplaced as unknown[]).length}`);
    await load();
  };
  const cases = new Map<string, string>();
  const color = (caseId: string): string => {
    if (!cases.has(caseId)) cases.set(caseId, COLORS[cases.size % COLORS.length]);
    return cases.get(caseId)!;
  };
  const time = (iso: unknown): string => new Date(String(iso)).toISOString().slice(11, 16);
  return html`<main>
    <h1>Clinic day</h1>
    <div class="grid">
      <div>
        <label for="d-clinic">Clinic</label
        ><select
          id="d-clinic"
          value=${clinicId}
          onChange=${(e: Event) => setClinicId((e.target as HTMLSelectElement).value)}
        >
          ${(clinics?.items ?? []).map((c) => html`<option value=${String(c.id)}>${String(c.name)}</option>`)}
        </select>
      </div>
      ${Field({ label: 'Date', name: 'date', value: date, onInput: setDate, type: 'date' })}
    </div>
    <p>
      <button onClick=${() => void load()}>Show day</button>
      <button onClick=${() => void repair()}>Repair after a sick day</button>
    </p>
    ${message === undefined ? null : html`<p role="status">${message}</p>`}
    ${
      day === undefined
        ? null
        : html`<section aria-label="By specialist">
            <h2>By specialist (times UTC)</h2>
            ${(day.bySpecialist as Json[]).map(
              (s) =>
                html`<div>
                  <strong>${(s.disciplines as string[]).map(words).join(', ')}</strong>
                  <div class="lane">
                    ${(s.appointments as Json[]).map(
                      (a) =>
                        html`<span
                          class="slot"
                          data-case=${String(a.caseId)}
                          style=${`background:${color(String(a.caseId))}`}
                          title=${a.conflict === true ? 'conflict: the specialist is no longer free then' : ''}
                          >${time(a.start)}–${time(a.end)}
                          ${words(String(a.discipline))}${a.conflict === true ? ' ⚠ conflict' : ''}</span
                        >`,
                    )}
                  </div>
                </div>`,
            )}
            <h2>By room</h2>
            ${(day.byRoom as Json[]).map(
              (r) =>
                html`<div>
                  <strong>${String(r.name ?? r.roomId)}</strong>
                  <div class="lane">
                    ${(r.appointments as Json[]).map((a) => html`<span class="slot" style=${`background:${color(String(a.caseId))}`}>${time(a.start)}–${time(a.end)}</span>`)}
                  </div>
                </div>`,
            )}
          </section>`
    }
  </main>`;
}
