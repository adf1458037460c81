import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import type { User } from './data.js';
import { LinkPanel } from './link-panel.js';
import { ROLE_WORDS, STAFF_ROLES, type StaffRole } from './words.js';

const ROLE_OPTIONS = STAFF_ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }));

/** A user's account state in words, each with its badge. */
export function UserStatus(props: { user: User }) {
  const u = props.user;
  return html`${u.active ? html`<${Badge} tone="success">Active<//>` : html`<${Badge} tone="danger">Disabled<//>`}
  ${u.passwordSet ? null : html` <${Badge} tone="warning">No password yet<//>`}`;
}

export const secondFactorWords = (u: User): string => (u.totpEnabled ? 'Set up' : 'Not set up');

function InviteForm(props: { onInvited: (u: Schemas['CreatedUserResponseDto']) => void }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (role === '') {
      setErrors({ role: 'Choose a role' });
      return;
    }
    try {
      const created = await ok(
        client.POST('/api/users', {
          body: { displayName: displayName.trim(), email: email.trim(), role: role as StaffRole },
        }),
      );
      setErrors({});
      setFormError(undefined);
      setDisplayName('');
      setEmail('');
      setRole('');
      toastSuccess(`${created.displayName} was invited.`);
      props.onInvited(created);
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setFormError(Object.keys(fields).length > 0 ? undefined : problemText(err));
    }
  };
  return html`<form onSubmit=${submit} aria-labelledby="invite-h" novalidate>
    <h2 id="invite-h">Invite a user</h2>
    <p class="hint">
      The account has no password: you get a one-time link to hand over, with which its owner chooses one.
    </p>
    <div class="field-row">
      ${Field({
        label: 'Name',
        name: 'invite-name',
        value: displayName,
        onInput: setDisplayName,
        required: true,
        autocomplete: 'off',
        error: errors.displayName,
      })}
      ${Field({
        label: 'E-mail',
        name: 'invite-email',
        type: 'email',
        value: email,
        onInput: setEmail,
        required: true,
        autocomplete: 'off',
        error: errors.email,
      })}
      ${SelectField({
        label: 'Role',
        name: 'invite-role',
        value: role,
        onInput: setRole,
        options: ROLE_OPTIONS,
        placeholder: 'Choose…',
        required: true,
        error: errors.role,
      })}
    </div>
    ${formError === undefined ? null : html`<p class="error" role="alert">${formError}</p>`}
    <div class="actions"><${Button} variant="primary" type="submit">Invite user<//></div>
  </form>`;
}

/** Everyone with an account: who they are, their role and state; invite someone new. */
export function Users() {
  const [more, setMore] = useState(0);
  const [invited, setInvited] = useState<Schemas['CreatedUserResponseDto']>();
  const list = useLoad(async () => {
    // The first page, then as many more as "Show more" asked for (kept on reload after a change).
    const first = await ok(client.GET('/api/users', { params: { query: { limit: 50 } } }));
    const items = [...first.items];
    let next = first.nextCursor;
    for (let i = 0; i < more && next !== null; i++) {
      const page = await ok(client.GET('/api/users', { params: { query: { limit: 50, cursor: next } } }));
      items.push(...page.items);
      next = page.nextCursor;
    }
    return { items, next };
  }, [more]);
  return html`<main class="admin">
    <${AdminNav} current="#/admin/users" />
    <h1>Users</h1>
    ${invited === undefined ? null : html`<${LinkPanel} link=${invited.setPasswordLink} who=${invited.displayName} />`}
    <${InviteForm}
      onInvited=${(u: Schemas['CreatedUserResponseDto']) => {
        setInvited(u);
        list.reload();
      }}
    />
    <section aria-labelledby="users-h">
      <h2 id="users-h">Accounts</h2>
      ${list.error === undefined ? null : html`<${LoadError} text=${list.error} retry=${list.reload} />`}
      ${
        list.data === undefined
          ? list.error === undefined
            ? html`<${Loading} what="the users" />`
            : null
          : list.data.items.length === 0
            ? html`<${EmptyState} title="No users yet" />`
            : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">E-mail</th>
                        <th scope="col">Role</th>
                        <th scope="col">Status</th>
                        <th scope="col">Second factor</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${list.data.items.map(
                        (u) =>
                          html`<tr key=${u.id}>
                            <th scope="row"><a href=${`#/admin/users/${u.id}`}>${u.displayName}</a></th>
                            <td>${u.email}</td>
                            <td>${ROLE_WORDS[u.role]}</td>
                            <td><${UserStatus} user=${u} /></td>
                            <td>${secondFactorWords(u)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>
                ${
                  list.data.next === null
                    ? null
                    : html`<div class="actions">
                        <${Button} onClick=${() => setMore(more + 1)}>Show more<//>
                      </div>`
                }`
      }
    </section>
  </main>`;
}
