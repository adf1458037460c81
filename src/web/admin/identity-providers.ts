import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { navigate } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { CheckboxField, Field, SelectField } from '../ui/field.js';
import { html } from '../ui/html.js';
import { fieldErrors, problemText } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { allClinics, ifMatch, type Clinic } from './data.js';

// Hospital sign-in: the OpenID Connect providers whose users sign in with
// their hospital account. Roles and clinic membership stay in Consilium.

type Provider = Schemas['IdentityProviderResponseDto'];
type Provisioning = Provider['provisioning'];

const HERE = '#/admin/sign-in';

export const PROVISIONING_WORDS: Record<Provisioning, string> = {
  match_only: 'Existing accounts only',
  create_clinician: 'Create a clinician account on first sign-in',
};

interface FormValue {
  name: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  domains: string;
  clinicId: string;
  provisioning: Provisioning | '';
  passwordLoginDisabled: boolean;
  enabled: boolean;
}

const EMPTY: FormValue = {
  name: '',
  issuerUrl: '',
  clientId: '',
  clientSecret: '',
  domains: '',
  clinicId: '',
  provisioning: '',
  passwordLoginDisabled: false,
  enabled: true,
};

const valueOf = (p: Provider): FormValue => ({
  name: p.name,
  issuerUrl: p.issuerUrl,
  clientId: p.clientId,
  clientSecret: '',
  domains: p.emailDomains.join(', '),
  clinicId: p.clinicId ?? '',
  provisioning: p.provisioning,
  passwordLoginDisabled: p.passwordLoginDisabled,
  enabled: p.enabled,
});

/** "a.org, b.org" or one per line → the list the server checks. */
const domainsOf = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter((d) => d !== '');

/** The redirect URI to register at the hospital's provider, with a copy button. */
function RedirectUri(props: { uri: string }) {
  const [copied, setCopied] = useState('');
  return html`<section class="alert alert-info" aria-labelledby="redirect-h">
    <h2 id="redirect-h">Register Consilium at the hospital</h2>
    <p>
      At the hospital's identity provider, register Consilium as a confidential client (authorization code with PKCE,
      scopes openid, email and profile) with this redirect URI:
    </p>
    <label for="redirect-uri">Redirect URI</label>
    <div class="link-row">
      <input
        id="redirect-uri"
        readonly
        value=${props.uri}
        onFocus=${(e: Event) => (e.target as HTMLInputElement).select()}
      />
      <button
        type="button"
        class="btn btn-secondary"
        onClick=${() =>
          void navigator.clipboard.writeText(props.uri).then(
            () => setCopied('Copied.'),
            () => setCopied('Select it and copy it by hand (Ctrl+C).'),
          )}
      >
        Copy
      </button>
    </div>
    <p role="status" class="hint">${copied}</p>
  </section>`;
}

function ProviderForm(props: {
  value: FormValue;
  onChange: (v: FormValue) => void;
  errors: Record<string, string>;
  clinics: Clinic[];
  secretSet: boolean;
}) {
  const { value: v, errors } = props;
  const set = (patch: Partial<FormValue>): void => props.onChange({ ...v, ...patch });
  return html`<div class="field-row">
      ${Field({
        label: 'Name on the sign-in button',
        name: 'idp-name',
        value: v.name,
        onInput: (name) => set({ name }),
        required: true,
        hint: 'Users see "Sign in with <name>".',
        error: errors.name,
      })}
      ${Field({
        label: 'Issuer URL',
        name: 'idp-issuer',
        type: 'url',
        value: v.issuerUrl,
        onInput: (issuerUrl) => set({ issuerUrl }),
        required: true,
        hint: "The provider's issuer, e.g. https://login.hospital.org/realms/staff",
        error: errors.issuerUrl,
      })}
    </div>
    <div class="field-row">
      ${Field({
        label: 'Client ID',
        name: 'idp-client-id',
        value: v.clientId,
        onInput: (clientId) => set({ clientId }),
        required: true,
        autocomplete: 'off',
        error: errors.clientId,
      })}
      ${Field({
        label: 'Client secret',
        name: 'idp-client-secret',
        type: 'password',
        value: v.clientSecret,
        onInput: (clientSecret) => set({ clientSecret }),
        autocomplete: 'new-password',
        hint: props.secretSet
          ? 'A secret is stored (it is never shown). Leave empty to keep it.'
          : 'Stored encrypted, never shown again. Leave empty for a public client.',
        error: errors.clientSecret,
      })}
    </div>
    <div class="field-row">
      ${Field({
        label: 'E-mail domains',
        name: 'idp-domains',
        value: v.domains,
        onInput: (domains) => set({ domains }),
        required: true,
        hint: 'Users whose e-mail ends in one of these sign in here; separate them with commas. A domain belongs to one hospital.',
        error: errors.emailDomains,
      })}
    </div>
    <div class="field-row">
      ${SelectField({
        label: 'New users',
        name: 'idp-provisioning',
        value: v.provisioning,
        onInput: (p) => set({ provisioning: p as Provisioning }),
        options: (Object.keys(PROVISIONING_WORDS) as Provisioning[]).map((p) => ({
          value: p,
          label: PROVISIONING_WORDS[p],
        })),
        placeholder: 'Choose…',
        required: true,
        hint: 'Someone with a verified hospital e-mail but no account.',
        error: errors.provisioning,
      })}
      ${SelectField({
        label: 'Clinic new accounts join',
        name: 'idp-clinic',
        value: v.clinicId,
        onInput: (clinicId) => set({ clinicId }),
        options: [{ value: '', label: 'None' }, ...props.clinics.map((c) => ({ value: c.id, label: c.name }))],
        hint: 'Membership is managed in Consilium afterwards.',
        error: errors.clinicId,
      })}
    </div>
    ${CheckboxField({
      label: 'Turn off password sign-in for these domains',
      name: 'idp-password-off',
      checked: v.passwordLoginDisabled,
      onInput: (passwordLoginDisabled) => set({ passwordLoginDisabled }),
      hint: 'Their users must sign in with the hospital. Administrators keep their password and second factor.',
    })}
    ${CheckboxField({
      label: 'Enabled (shown on the sign-in page)',
      name: 'idp-enabled',
      checked: v.enabled,
      onInput: (enabled) => set({ enabled }),
    })}`;
}

/** Client-side checks the server would make too, said next to the field. */
function missing(v: FormValue): Record<string, string> {
  const errors: Record<string, string> = {};
  if (v.name.trim() === '') errors.name = 'Give the name users see on the button';
  if (v.issuerUrl.trim() === '') errors.issuerUrl = 'Give the issuer URL';
  if (v.clientId.trim() === '') errors.clientId = 'Give the client ID';
  if (domainsOf(v.domains).length === 0) errors.emailDomains = 'Give at least one e-mail domain';
  if (v.provisioning === '') errors.provisioning = 'Choose what happens to new users';
  return errors;
}

function useSubmit(send: () => Promise<void>, v: FormValue) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const local = missing(v);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setFormError('Some fields need attention; each says what is wrong.');
      return;
    }
    try {
      await send();
      setErrors({});
      setFormError(undefined);
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setFormError(
        Object.keys(fields).length > 0 ? 'Some fields need attention; each says what is wrong.' : problemText(err),
      );
    }
  };
  return { errors, formError, submit };
}

/** Every hospital sign-in, with what it does. */
export function IdentityProviders() {
  const list = useLoad(
    async () => [(await ok(client.GET('/api/identity-providers'))).items, await allClinics()] as const,
    [],
  );
  const clinicName = (id: string | null): string =>
    id === null ? '—' : (list.data?.[1].find((c) => c.id === id)?.name ?? 'A clinic');
  return html`<main class="admin">
    <${AdminNav} current=${HERE} />
    <h1>Hospital sign-in</h1>
    <p class="hint">
      Users of a hospital sign in with their hospital account (OpenID Connect). Their role and clinics stay as you set
      them in Consilium.
    </p>
    <div class="actions"><a class="btn btn-primary" href="#/admin/sign-in/new">New hospital sign-in</a></div>
    ${list.error === undefined ? null : html`<${LoadError} text=${list.error} retry=${list.reload} />`}
    ${
      list.data === undefined
        ? list.error === undefined
          ? html`<${Loading} what="the hospital sign-ins" />`
          : null
        : list.data[0].length === 0
          ? html`<${EmptyState} title="No hospital sign-in yet">Everyone signs in with a Consilium password.<//>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Hospital</th>
                    <th scope="col">E-mail domains</th>
                    <th scope="col">New users</th>
                    <th scope="col">Clinic</th>
                    <th scope="col">Password sign-in</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.data[0].map(
                    (p) =>
                      html`<tr key=${p.id}>
                        <th scope="row"><a href=${`#/admin/sign-in/${p.id}`}>${p.name}</a></th>
                        <td>${p.emailDomains.join(', ')}</td>
                        <td>${PROVISIONING_WORDS[p.provisioning]}</td>
                        <td>${clinicName(p.clinicId)}</td>
                        <td>${p.passwordLoginDisabled ? 'Turned off (admins excepted)' : 'Allowed'}</td>
                        <td>
                          ${
                            p.enabled
                              ? html`<${Badge} tone="success">Enabled<//>`
                              : html`<${Badge} tone="neutral">Disabled<//>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
  </main>`;
}

/** A new hospital sign-in. */
export function NewIdentityProvider() {
  const clinics = useLoad(allClinics, []);
  const [v, setV] = useState<FormValue>(EMPTY);
  const { errors, formError, submit } = useSubmit(async () => {
    const created = await ok(
      client.POST('/api/identity-providers', {
        body: {
          name: v.name.trim(),
          issuerUrl: v.issuerUrl.trim(),
          clientId: v.clientId.trim(),
          ...(v.clientSecret === '' ? {} : { clientSecret: v.clientSecret }),
          emailDomains: domainsOf(v.domains),
          clinicId: v.clinicId === '' ? null : v.clinicId,
          provisioning: v.provisioning as Provisioning,
          passwordLoginDisabled: v.passwordLoginDisabled,
          enabled: v.enabled,
        },
      }),
    );
    toastSuccess(`${created.name} can now be used to sign in.`);
    navigate(`/admin/sign-in/${created.id}`);
  }, v);
  return html`<main class="admin">
    <${AdminNav} current=${HERE} />
    <p><a href=${HERE}>All hospital sign-ins</a></p>
    <h1>New hospital sign-in</h1>
    <form onSubmit=${submit} aria-label="New hospital sign-in" novalidate>
      <${ProviderForm} value=${v} onChange=${setV} errors=${errors} clinics=${clinics.data ?? []} secretSet=${false} />
      ${formError === undefined ? null : html`<p class="error" role="alert">${formError}</p>`}
      <div class="actions"><${Button} variant="primary" type="submit">Add hospital sign-in<//></div>
    </form>
  </main>`;
}

function EditForm(props: { provider: Provider; clinics: Clinic[]; onSaved: () => void }) {
  const p = props.provider;
  const [v, setV] = useState<FormValue>(() => valueOf(p));
  const { errors, formError, submit } = useSubmit(async () => {
    await ok(
      client.PATCH('/api/identity-providers/{id}', {
        params: { path: { id: p.id }, header: ifMatch(p.version) },
        body: {
          name: v.name.trim(),
          issuerUrl: v.issuerUrl.trim(),
          clientId: v.clientId.trim(),
          ...(v.clientSecret === '' ? {} : { clientSecret: v.clientSecret }),
          emailDomains: domainsOf(v.domains),
          clinicId: v.clinicId === '' ? null : v.clinicId,
          provisioning: v.provisioning as Provisioning,
          passwordLoginDisabled: v.passwordLoginDisabled,
          enabled: v.enabled,
        },
      }),
    );
    toastSuccess(`${v.name.trim()} is saved.`);
    props.onSaved();
  }, v);
  return html`<form onSubmit=${submit} aria-label=${`Edit ${p.name}`} novalidate>
    <${ProviderForm}
      value=${v}
      onChange=${setV}
      errors=${errors}
      clinics=${props.clinics}
      secretSet=${p.clientSecretSet}
    />
    ${formError === undefined ? null : html`<p class="error" role="alert">${formError}</p>`}
    <div class="actions"><${Button} variant="primary" type="submit">Save changes<//></div>
  </form>`;
}

/** One hospital sign-in: where to register Consilium, and its settings. */
export function IdentityProviderPage(props: { id: string }) {
  const { id } = props;
  const data = useLoad(
    async () =>
      [await ok(client.GET('/api/identity-providers/{id}', { params: { path: { id } } })), await allClinics()] as const,
    [id],
  );
  const head = html`<${AdminNav} current=${HERE} />
    <p><a href=${HERE}>All hospital sign-ins</a></p>`;
  if (data.error !== undefined)
    return html`<main class="admin">
      ${head}
      <h1>Hospital sign-in</h1>
      <${LoadError} text=${data.error} retry=${data.reload} />
    </main>`;
  if (data.data === undefined)
    return html`<main class="admin">
      ${head}
      <h1>Hospital sign-in</h1>
      <${Loading} />
    </main>`;
  const [provider, clinics] = data.data;
  return html`<main class="admin">
    ${head}
    <h1>${provider.name}</h1>
    <${RedirectUri} uri=${provider.redirectUri} />
    <section aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <${EditForm} key=${provider.version} provider=${provider} clinics=${clinics} onSaved=${data.reload} />
    </section>
    <p><a href="#/admin/audit?action=auth.oidc.callback">Hospital sign-ins in the audit trail</a></p>
  </main>`;
}
