import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { SelectField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { ifMatch, localZone, type User } from './data.js';
import { LinkPanel } from './link-panel.js';
import { secondFactorWords, UserStatus } from './users.js';
import { ROLE_WORDS, STAFF_ROLES, type StaffRole } from './words.js';

const ROLE_OPTIONS = STAFF_ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }));

/** One account: its role, enabling and disabling, its second factor, a new set-password link. */
export function UserPage(props: { id: string; me: User }) {
  const { id } = props;
  const user = useLoad(() => ok(client.GET('/api/users/{id}', { params: { path: { id } } })), [id]);
  const [role, setRole] = useState('');
  const [link, setLink] = useState<Schemas['SetPasswordLinkDto']>();
  if (user.error !== undefined)
    return html`<main class="admin">
      <${AdminNav} current="#/admin/users" />
      <h1>User</h1>
      <${LoadError} text=${user.error} retry=${user.reload} />
    </main>`;
  const u = user.data;
  if (u === undefined)
    return html`<main class="admin">
      <${AdminNav} current="#/admin/users" />
      <h1>User</h1>
      <${Loading} />
    </main>`;
  const chosenRole = (role === '' ? u.role : role) as StaffRole;
  const self = u.id === props.me.id;
  const patch = async (body: Schemas['UpdateUserDto'], done: string): Promise<void> => {
    await ok(client.PATCH('/api/users/{id}', { params: { path: { id }, header: ifMatch(u.version) }, body }));
    toastSuccess(done);
    setRole('');
    user.reload();
  };
  return html`<main class="admin">
    <${AdminNav} current="#/admin/users" />
    <p><a href="#/admin/users">All users</a></p>
    <h1>${u.displayName}</h1>
    <dl class="facts">
      <div>
        <dt>E-mail</dt>
        <dd>${u.email}</dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>${ROLE_WORDS[u.role]}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd><${UserStatus} user=${u} /></dd>
      </div>
      <div>
        <dt>Second factor</dt>
        <dd>${secondFactorWords(u)}</dd>
      </div>
      <div>
        <dt>Account created</dt>
        <dd>${dateTime(u.createdAt, localZone())}</dd>
      </div>
    </dl>

    <section aria-labelledby="link-section-h">
      <h2 id="link-section-h">Set-password link</h2>
      <p class="hint">
        ${u.passwordSet ? 'For a forgotten password. ' : 'The account has no password yet. '}A new link stops every
        earlier one.
      </p>
      <div class="actions">
        <${Button}
          variant="primary"
          onClick=${async () => {
            setLink(await ok(client.POST('/api/users/{id}/set-password-link', { params: { path: { id } } })));
            toastSuccess('A new set-password link is ready.');
          }}
          >Get a set-password link<//
        >
      </div>
      ${link === undefined ? null : html`<${LinkPanel} link=${link} who=${u.displayName} />`}
    </section>

    <section aria-labelledby="role-h">
      <h2 id="role-h">Role</h2>
      <div class="field-row">
        ${SelectField({
          label: 'Role',
          name: 'user-role',
          value: chosenRole,
          onInput: setRole,
          options: ROLE_OPTIONS,
          hint: self ? 'You cannot change your own role.' : undefined,
        })}
      </div>
      <div class="actions">
        <${Button}
          disabled=${self || chosenRole === u.role}
          onClick=${() => patch({ role: chosenRole }, `${u.displayName} is now ${ROLE_WORDS[chosenRole].toLowerCase()}.`)}
          >Change role<//
        >
      </div>
    </section>

    <section aria-labelledby="access-h">
      <h2 id="access-h">Access</h2>
      <div class="actions">
        ${
          u.active
            ? html`<${ConfirmButton}
                title=${`Disable ${u.displayName}?`}
                message=${html`<p>
                  ${u.displayName} can no longer sign in, and every session they have open ends now. You can enable the
                  account again later.
                </p>`}
                confirmLabel="Disable account"
                disabled=${self}
                onConfirm=${() => patch({ active: false }, `${u.displayName} is disabled.`)}
                >Disable account<//
              >`
            : html`<${Button} onClick=${() => patch({ active: true }, `${u.displayName} is enabled.`)}
                >Enable account<//
              >`
        }
        ${
          u.totpEnabled
            ? html`<${ConfirmButton}
                title=${`Reset the second factor of ${u.displayName}?`}
                message=${html`<p>
                  Their authenticator app stops working for Consilium; they set up a new one at their next sign-in. Do
                  this only once you are sure who asked.
                </p>`}
                confirmLabel="Reset second factor"
                onConfirm=${async () => {
                  await ok(client.DELETE('/api/users/{id}/totp', { params: { path: { id } } }));
                  toastSuccess(`The second factor of ${u.displayName} is reset.`);
                  user.reload();
                }}
                >Reset second factor<//
              >`
            : null
        }
      </div>
      ${self ? html`<p class="hint">You cannot disable your own account.</p>` : null}
    </section>
    <p><a href=${`#/admin/audit?actorId=${u.id}`}>What ${u.displayName} did (audit trail)</a></p>
  </main>`;
}
