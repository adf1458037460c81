import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { navigate, useHashPath } from '../router.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { CheckboxField, Fieldset, SelectField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { allClinics, allUsers, userLabel, type Clinic } from './data.js';
import { DISCIPLINES, disciplineWords, ROLE_WORDS, type Discipline } from './words.js';

/** Discipline checkboxes, in the list's order. */
export function DisciplineChoice(props: {
  legend?: string;
  name: string;
  value: Discipline[];
  onInput: (v: Discipline[]) => void;
  error?: string;
}) {
  return html`<${Fieldset} legend=${props.legend ?? 'Disciplines'}>
    <div class="check-grid">
      ${DISCIPLINES.map((d) =>
        CheckboxField({
          label: disciplineWords(d),
          name: `${props.name}-${d}`,
          checked: props.value.includes(d),
          onInput: (on) => props.onInput(DISCIPLINES.filter((x) => (x === d ? on : props.value.includes(x)))),
        }),
      )}
    </div>
    ${props.error === undefined ? null : html`<p class="error" role="alert">${props.error}</p>`}
  <//>`;
}

function NewSpecialist(props: { clinic: Clinic; onCreated: (s: Schemas['SpecialistResponseDto']) => void }) {
  const users = useLoad(allUsers, []);
  const [userId, setUserId] = useState('');
  const [disciplines, setDisciplines] = useState<Discipline[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (userId === '') local.userId = 'Choose the person';
    if (disciplines.length === 0) local.disciplines = 'Choose at least one discipline';
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    try {
      const created = await ok(
        client.POST('/api/specialists', { body: { userId, disciplines, clinicIds: [props.clinic.id] } }),
      );
      setErrors({});
      setUserId('');
      setDisciplines([]);
      toastSuccess(`${created.displayName} is now a specialist of ${props.clinic.name}.`);
      props.onCreated(created);
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { userId: problemText(err) });
    }
  };
  const people = (users.data ?? []).filter((u) => u.role !== 'admin' && u.active);
  return html`<form onSubmit=${submit} aria-labelledby="new-specialist-h" novalidate>
    <h2 id="new-specialist-h">Add a specialist to ${props.clinic.name}</h2>
    <p class="hint">
      A specialist is a user with the disciplines they sit on the board for; they become a member of the clinic.
    </p>
    ${users.error === undefined ? null : html`<${LoadError} text=${users.error} retry=${users.reload} />`}
    <div class="field-row">
      ${SelectField({
        label: 'Person',
        name: 'specialist-user',
        value: userId,
        onInput: setUserId,
        options: people.map((u) => ({ value: u.id, label: `${userLabel(u)}, ${ROLE_WORDS[u.role].toLowerCase()}` })),
        placeholder: 'Choose a person…',
        required: true,
        error: errors.userId,
      })}
    </div>
    <${DisciplineChoice}
      name="new-discipline"
      value=${disciplines}
      onInput=${setDisciplines}
      error=${errors.disciplines}
    />
    <div class="actions"><${Button} variant="primary" type="submit">Add specialist<//></div>
  </form>`;
}

function Roster(props: { clinic: Clinic; version: number }) {
  const c = props.clinic;
  const list = useLoad(
    () => ok(client.GET('/api/specialists', { params: { query: { clinicId: c.id } } })),
    [c.id, props.version],
  );
  return html`<section aria-labelledby="roster-h">
    <h2 id="roster-h">Specialists of ${c.name}</h2>
    ${list.error === undefined ? null : html`<${LoadError} text=${list.error} retry=${list.reload} />`}
    ${
      list.data === undefined
        ? list.error === undefined
          ? html`<${Loading} what="the specialists" />`
          : null
        : list.data.length === 0
          ? html`<${EmptyState} title="No specialist in this clinic yet" />`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Disciplines</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.data.map(
                    (s) =>
                      html`<tr key=${s.id}>
                        <th scope="row">
                          <a href=${`#/admin/specialists/${s.id}?clinic=${c.id}`}>${s.displayName}</a>
                        </th>
                        <td>${s.disciplines.map(disciplineWords).join(', ')}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
  </section>`;
}

/** The roster of a clinic, and adding someone to it. */
export function Specialists() {
  const { query } = useHashPath();
  const clinics = useLoad(allClinics, []);
  const [version, setVersion] = useState(0);
  const wanted = query.get('clinic') ?? '';
  const list = clinics.data ?? [];
  const clinic = list.find((c) => c.id === wanted) ?? list[0];
  return html`<main class="admin">
    <${AdminNav} current="#/admin/specialists" />
    <h1>Specialists</h1>
    ${clinics.error === undefined ? null : html`<${LoadError} text=${clinics.error} retry=${clinics.reload} />`}
    ${
      clinics.data === undefined
        ? clinics.error === undefined
          ? html`<${Loading} />`
          : null
        : clinic === undefined
          ? html`<${EmptyState} title="No clinic yet"
              >Specialists work in a clinic: <a href="#/admin/clinics/new">create one</a>.<//
            >`
          : html`<div class="field-row">
                ${SelectField({
                  label: 'Clinic',
                  name: 'specialists-clinic',
                  value: clinic.id,
                  onInput: (id) => navigate(`/admin/specialists?clinic=${id}`),
                  options: list.map((c) => ({ value: c.id, label: c.name })),
                })}
              </div>
              <${Roster} clinic=${clinic} version=${version} />
              <${NewSpecialist}
                key=${clinic.id}
                clinic=${clinic}
                onCreated=${(s: Schemas['SpecialistResponseDto']) => {
                  setVersion(version + 1);
                  navigate(`/admin/specialists/${s.id}?clinic=${clinic.id}`);
                }}
              />`
    }
  </main>`;
}
