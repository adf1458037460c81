import { useEffect, useState } from 'preact/hooks';
import { client, ok } from '../api/client.js';
import { Button } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { CheckboxField, Fieldset } from '../ui/field.js';
import { html } from '../ui/html.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';

/** Which mail the signed-in user receives; set-password links always go (an account needs them). */
export function NotificationSettings() {
  const { data, error, reload } = useLoad(() => ok(client.GET('/api/users/me/notification-preferences')), []);
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  useEffect(() => {
    if (data !== undefined) setChosen(Object.fromEntries(data.preferences.map((p) => [p.kind, p.email])));
  }, [data]);
  if (error !== undefined) return html`<${LoadError} text=${error} retry=${reload} />`;
  if (data === undefined) return html`<${Loading} what="your mail settings" />`;
  const changed = data.preferences.some((p) => chosen[p.kind] !== p.email);
  const save = async (): Promise<void> => {
    await ok(
      client.PUT('/api/users/me/notification-preferences', {
        body: {
          preferences: data.preferences.map((p) => ({ kind: p.kind, email: chosen[p.kind] ?? p.email })),
        },
      }),
    );
    toastSuccess('Mail settings saved');
    reload();
  };
  return html`<section aria-labelledby="mail-heading" class="mail-settings">
    <h2 id="mail-heading">E-mail notifications</h2>
    <p>Mail goes to <strong>${data.email}</strong>. It says what changed and links here; it never names a patient.</p>
    ${
      data.deliveryConfigured
        ? null
        : html`<p class="warn" role="status">
            No mail server is configured yet: your messages wait in the outbox, where an administrator can see them.
          </p>`
    }
    <${Fieldset} legend="Send me" hint="Set-password links for your account are always sent.">
      ${data.preferences.map(
        (p) =>
          html`<${CheckboxField}
            label=${p.label}
            name=${`mail-${p.kind}`}
            checked=${chosen[p.kind] ?? p.email}
            onInput=${(v: boolean) => setChosen({ ...chosen, [p.kind]: v })}
          />`,
      )}
    <//>
    <${Button} variant="primary" disabled=${!changed} onClick=${save}>Save mail settings<//>
  </section>`;
}
