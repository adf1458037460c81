import { useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { bodyOf, ClinicForm, clinicErrors, type ClinicBody } from './clinic-form.js';
import { allUsers, ifMatch, userLabel, type Clinic } from './data.js';
import { ROLE_WORDS } from './words.js';

function Rules(props: { clinic: Clinic; onSaved: () => void }) {
  const c = props.clinic;
  const [body, setBody] = useState<ClinicBody>(() => bodyOf(c));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await ok(
        client.PUT('/api/clinics/{id}', {
          params: { path: { id: c.id }, header: ifMatch(c.version) },
          body: { ...body, name: body.name.trim() },
        }),
      );
      setErrors({});
      setFormError(undefined);
      toastSuccess(`The settings of ${body.name.trim()} are saved.`);
      props.onSaved();
    } catch (err) {
      const fields = clinicErrors(fieldErrors(err));
      setErrors(fields);
      setFormError(
        Object.keys(fields).length > 0 ? 'Some fields need attention; each says what is wrong.' : problemText(err),
      );
    }
  };
  return html`<section aria-labelledby="rules-h">
    <h2 id="rules-h">Settings and rules</h2>
    <form onSubmit=${submit} aria-labelledby="rules-h" novalidate>
      <${ClinicForm} value=${body} onChange=${setBody} errors=${errors} />
      ${formError === undefined ? null : html`<p class="error" role="alert">${formError}</p>`}
      <div class="actions"><${Button} variant="primary" type="submit">Save changes<//></div>
    </form>
  </section>`;
}

function Members(props: { clinic: Clinic }) {
  const c = props.clinic;
  const data = useLoad(async () => {
    const [ids, users] = await Promise.all([
      ok(client.GET('/api/clinics/{id}/members', { params: { path: { id: c.id } } })),
      allUsers(),
    ]);
    return { ids: new Set(ids), users };
  }, [c.id]);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  if (data.error !== undefined) return html`<${LoadError} text=${data.error} retry=${data.reload} />`;
  if (data.data === undefined) return html`<${Loading} what="the members" />`;
  const members = data.data.users.filter((u) => data.data?.ids.has(u.id));
  const others = data.data.users.filter((u) => !(data.data?.ids.has(u.id) ?? false) && u.role !== 'admin');
  const add = async (): Promise<void> => {
    if (chosen === '') {
      setError('Choose the person to add');
      return;
    }
    const who = others.find((u) => u.id === chosen);
    try {
      await ok(client.PUT('/api/clinics/{id}/members/{userId}', { params: { path: { id: c.id, userId: chosen } } }));
      setError(undefined);
      setChosen('');
      toastSuccess(`${who?.displayName ?? 'The user'} is now a member of ${c.name}.`);
      data.reload();
    } catch (err) {
      setError(problemText(err));
    }
  };
  return html`<section aria-labelledby="members-h">
    <h2 id="members-h">Members</h2>
    <p class="hint">Members see the clinic and its cases. Specialists become members when they are made specialists.</p>
    ${
      members.length === 0
        ? html`<${EmptyState} title="No members yet" />`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${members.map(
                  (u) =>
                    html`<tr key=${u.id}>
                      <th scope="row"><a href=${`#/admin/users/${u.id}`}>${u.displayName}</a></th>
                      <td>${u.email}</td>
                      <td>${ROLE_WORDS[u.role]}</td>
                      <td>
                        <${ConfirmButton}
                          title=${`Remove ${u.displayName} from ${c.name}?`}
                          message=${html`<p>
                            ${u.displayName} no longer sees this clinic or its cases, and leaves its board sessions now.
                          </p>`}
                          confirmLabel="Remove member"
                          onConfirm=${async () => {
                            await ok(
                              client.DELETE('/api/clinics/{id}/members/{userId}', {
                                params: { path: { id: c.id, userId: u.id } },
                              }),
                            );
                            toastSuccess(`${u.displayName} was removed from ${c.name}.`);
                            data.reload();
                          }}
                          >Remove<//
                        >
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <div class="field-row inline-add">
      ${SelectField({
        label: 'Add a member',
        name: 'member-add',
        value: chosen,
        onInput: setChosen,
        options: others.map((u) => ({ value: u.id, label: `${userLabel(u)}, ${ROLE_WORDS[u.role].toLowerCase()}` })),
        placeholder: others.length === 0 ? 'Everyone is already a member' : 'Choose a person…',
        error,
      })}
      <div class="actions"><${Button} onClick=${add}>Add member<//></div>
    </div>
  </section>`;
}

function Rooms(props: { clinic: Clinic }) {
  const c = props.clinic;
  const rooms = useLoad(() => ok(client.GET('/api/rooms', { params: { query: { clinicId: c.id } } })), [c.id]);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const add = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      const room = await ok(client.POST('/api/rooms', { body: { clinicId: c.id, name: name.trim() } }));
      setName('');
      setErrors({});
      toastSuccess(`Room ${room.name} was added.`);
      rooms.reload();
    } catch (err) {
      const fields = clinicErrors(fieldErrors(err));
      setErrors(Object.keys(fields).length > 0 ? fields : { name: problemText(err) });
    }
  };
  return html`<section aria-labelledby="rooms-h">
    <h2 id="rooms-h">Rooms</h2>
    ${rooms.error === undefined ? null : html`<${LoadError} text=${rooms.error} retry=${rooms.reload} />`}
    ${
      rooms.data === undefined
        ? null
        : rooms.data.length === 0
          ? html`<${EmptyState} title="No rooms yet">Appointments need a room; add the first.<//>`
          : html`<ul class="room-list" aria-label="Rooms of ${c.name}">
              ${rooms.data.map((r) => html`<li key=${r.id}>${r.name}</li>`)}
            </ul>`
    }
    <form class="field-row inline-add" onSubmit=${add} aria-label="Add a room" novalidate>
      ${Field({ label: 'New room', name: 'room-name', value: name, onInput: setName, error: errors.name, autocomplete: 'off' })}
      <div class="actions"><${Button} type="submit">Add room<//></div>
    </form>
  </section>`;
}

/** One clinic: its rules (edited with the version read), its members and its rooms. */
export function ClinicPage(props: { id: string }) {
  const clinic = useLoad(() => ok(client.GET('/api/clinics/{id}', { params: { path: { id: props.id } } })), [props.id]);
  const c = clinic.data;
  return html`<main class="admin">
    <${AdminNav} current="#/admin/clinics" />
    <p><a href="#/admin/clinics">All clinics</a></p>
    <h1>${c?.name ?? 'Clinic'}</h1>
    ${clinic.error === undefined ? null : html`<${LoadError} text=${clinic.error} retry=${clinic.reload} />`}
    ${
      c === undefined
        ? clinic.error === undefined
          ? html`<${Loading} what="the clinic" />`
          : null
        : html`<p><a href=${`#/admin/specialists?clinic=${c.id}`}>Specialists of ${c.name}</a></p>
            <${Members} clinic=${c} />
            <${Rooms} clinic=${c} />
            <${Rules} key=${c.version} clinic=${c} onSaved=${clinic.reload} />`
    }
  </main>`;
}
