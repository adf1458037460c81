import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Button } from '../ui/button.js';
import { Field, SelectField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { PROFESSION_WORDS } from '../ui/professions.js';
import { toastSuccess } from '../ui/toast.js';

type Specialist = Schemas['SpecialistResponseDto'];
type Profession = NonNullable<Specialist['profession']>;

/** Profession and credentials, as they go on CME rosters and certificates; empty means not recorded. */
export function ProfessionForm(props: { specialist: Specialist; onSaved: () => void }) {
  const s = props.specialist;
  const [profession, setProfession] = useState<string>(s.profession ?? '');
  const [credentials, setCredentials] = useState(s.credentials ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const same = profession === (s.profession ?? '') && credentials.trim() === (s.credentials ?? '');
  const save = async (): Promise<void> => {
    try {
      await ok(
        client.PATCH('/api/specialists/{id}', {
          params: { path: { id: s.id } },
          body: {
            profession: profession === '' ? null : (profession as Profession),
            credentials: credentials.trim() === '' ? null : credentials.trim(),
          },
        }),
      );
      setErrors({});
      toastSuccess(`The profession of ${s.displayName} is saved.`);
      props.onSaved();
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(Object.keys(fields).length > 0 ? fields : { form: problemText(err) });
    }
  };
  return html`<section aria-labelledby="profession-h">
    <h2 id="profession-h">Profession</h2>
    <p class="muted">Printed on continuing-education rosters and certificates of attendance.</p>
    <div class="field-row">
      ${SelectField({
        label: 'Profession',
        name: 'specialist-profession',
        value: profession,
        onInput: setProfession,
        options: Object.entries(PROFESSION_WORDS).map(([value, label]) => ({ value, label })),
        placeholder: 'Not recorded',
        error: errors.profession,
      })}
      ${Field({
        label: 'Credentials',
        name: 'specialist-credentials',
        value: credentials,
        onInput: setCredentials,
        placeholder: 'MD, PhD',
        hint: 'As the person writes them after their name',
        error: errors.credentials,
      })}
    </div>
    ${errors.form === undefined ? null : html`<p class="error" role="alert">${errors.form}</p>`}
    <div class="actions"><${Button} disabled=${same} onClick=${save}>Save profession<//></div>
  </section>`;
}
