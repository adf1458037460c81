import { useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { plural, zoneLabel } from '../ui/format.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { cancerTypeWords, ClinicForm, clinicErrors, newClinicBody, type ClinicBody } from './clinic-form.js';
import { allClinics, localZone } from './data.js';
import { disciplineWords } from './words.js';

/** Every clinic, with its zone, day and what it takes. */
export function Clinics() {
  const clinics = useLoad(allClinics, []);
  return html`<main class="admin">
    <${AdminNav} current="#/admin/clinics" />
    <h1>Clinics</h1>
    <div class="actions"><a class="btn btn-primary" href="#/admin/clinics/new">New clinic</a></div>
    ${clinics.error === undefined ? null : html`<${LoadError} text=${clinics.error} retry=${clinics.reload} />`}
    ${
      clinics.data === undefined
        ? clinics.error === undefined
          ? html`<${Loading} what="the clinics" />`
          : null
        : clinics.data.length === 0
          ? html`<${EmptyState} title="No clinic yet">Create the first one: its time zone, day and rules.<//>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Clinic</th>
                    <th scope="col">Time zone</th>
                    <th scope="col">Day</th>
                    <th scope="col">Cancer types</th>
                    <th scope="col">Required disciplines</th>
                  </tr>
                </thead>
                <tbody>
                  ${clinics.data.map(
                    (c) =>
                      html`<tr key=${c.id}>
                        <th scope="row"><a href=${`#/admin/clinics/${c.id}`}>${c.name}</a></th>
                        <td>${c.timeZone.replace(/_/g, ' ')} (${zoneLabel(c.timeZone)})</td>
                        <td>${c.dayStart}–${c.dayEnd}</td>
                        <td>${c.cancerTypes.map(cancerTypeWords).join(', ')}</td>
                        <td>
                          ${`${plural(c.requiredDisciplines.length, 'discipline')}: ${c.requiredDisciplines
                            .map((r) => disciplineWords(r.discipline))
                            .join(', ')}`}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
  </main>`;
}

/** A new clinic: its settings and rules, then its page (members, rooms). */
export function NewClinic() {
  const [body, setBody] = useState<ClinicBody>(() => newClinicBody(localZone()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      const created = await ok(client.POST('/api/clinics', { body: { ...body, name: body.name.trim() } }));
      toastSuccess(`${created.name} was created.`);
      navigate(`/admin/clinics/${created.id}`);
    } catch (err) {
      const fields = clinicErrors(fieldErrors(err));
      setErrors(fields);
      setFormError(
        Object.keys(fields).length > 0 ? 'Some fields need attention; each says what is wrong.' : problemText(err),
      );
    }
  };
  return html`<main class="admin">
    <${AdminNav} current="#/admin/clinics" />
    <p><a href="#/admin/clinics">All clinics</a></p>
    <h1>New clinic</h1>
    <form onSubmit=${submit} aria-label="New clinic" novalidate>
      <${ClinicForm} value=${body} onChange=${setBody} errors=${errors} />
      ${formError === undefined ? null : html`<p class="error" role="alert">${formError}</p>`}
      <div class="actions"><${Button} variant="primary" type="submit">Create clinic<//></div>
    </form>
  </main>`;
}
