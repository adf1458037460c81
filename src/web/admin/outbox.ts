import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState, LoadError, Loading } from '../ui/empty.js';
import { SelectField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { AdminNav } from './admin-nav.js';
import { localZone } from './data.js';

type Message = Schemas['OutboxMessageDto'];
type Status = Message['status'];

const STATUS: Record<Status, [string, 'success' | 'warning' | 'danger']> = {
  sent: ['Sent', 'success'],
  pending: ['Waiting', 'warning'],
  failed: ['Failed', 'danger'],
};

const KIND_WORDS: Record<Message['kind'], string> = {
  account_link: 'Set-password link',
  appointment: 'Appointments',
  case_packet: 'Case packet',
  letter_ready: 'Letter for the referring doctor',
  guest_invitation: 'Guest invitation',
  task_assigned: 'Follow-up task',
};

function Row(props: { m: Message; retried: () => void }) {
  const { m } = props;
  const [open, setOpen] = useState(false);
  const [label, tone] = STATUS[m.status];
  return html`<tr>
    <td>${dateTime(m.createdAt, localZone())}</td>
    <td>${KIND_WORDS[m.kind]}</td>
    <td>${m.to}</td>
    <td>
      <button type="button" class="btn btn-quiet" aria-expanded=${open} onClick=${() => setOpen(!open)}>
        ${m.subject}
      </button>
      ${open ? html`<pre class="mail-body">${m.body}</pre>` : null}
    </td>
    <td>
      <${Badge} tone=${tone}>${label}<//>
      ${m.sentAt === null ? null : html`<div class="muted">${dateTime(m.sentAt, localZone())}</div>`}
      ${
        m.status === 'pending' && m.attempts > 0
          ? html`<div class="muted">try ${m.attempts + 1} after ${dateTime(m.notBefore, localZone())}</div>`
          : null
      }
      ${m.lastError === null || m.status === 'sent' ? null : html`<div class="muted">Server said: ${m.lastError}</div>`}
    </td>
    <td>
      ${
        m.status === 'failed'
          ? html`<${Button}
              onClick=${async () => {
                await ok(client.POST('/api/notifications/outbox/{id}/retry', { params: { path: { id: m.id } } }));
                toastSuccess('The message will be sent again now');
                props.retried();
              }}
              >Send again<//
            >`
          : null
      }
    </td>
  </tr>`;
}

/** Every mail the platform wrote: what went, what waits and why, what failed (newest first). */
export function Outbox() {
  const [status, setStatus] = useState<'' | Status>('');
  const [pages, setPages] = useState<string[]>([]);
  const { data, error, reload } = useLoad(async () => {
    const first = await ok(
      client.GET('/api/notifications/outbox', {
        params: { query: { limit: 50, ...(status === '' ? {} : { status }) } },
      }),
    );
    setPages([]);
    return first;
  }, [status]);
  const [more, setMore] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const items = [...(data?.items ?? []), ...more];
  const next = cursor ?? data?.nextCursor ?? null;
  return html`<main class="admin">
    <${AdminNav} current="#/admin/outbox" />
    <h1>Outbox</h1>
    <p>
      Mail is written with the change it reports and sent by any running instance, with retries. Bodies never hold
      patient data.
    </p>
    ${
      data !== undefined && !data.deliveryConfigured
        ? html`<p class="warn" role="status">
            No mail server is configured (SMTP_URL): nothing is sent. Hand set-password links over from here or from the
            user's page.
          </p>`
        : null
    }
    ${SelectField({
      label: 'Show',
      name: 'status',
      value: status,
      onInput: (v: string) => {
        setMore([]);
        setCursor(null);
        setStatus(v as '' | Status);
      },
      options: [
        { value: '', label: 'All messages' },
        { value: 'pending', label: 'Waiting' },
        { value: 'failed', label: 'Failed' },
        { value: 'sent', label: 'Sent' },
      ],
    })}
    ${
      error !== undefined
        ? html`<${LoadError} text=${error} retry=${reload} />`
        : data === undefined
          ? html`<${Loading} what="the outbox" />`
          : items.length === 0
            ? html`<${EmptyState} title="No messages"
                >Nothing has been written to the outbox${status === '' ? '' : ' with this status'}.<//
              >`
            : html`<div class="table-wrap">
                <table class="outbox">
                  <caption class="sr-only">
                    Outbox messages, newest first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Written</th>
                      <th scope="col">Kind</th>
                      <th scope="col">To</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Status</th>
                      <th scope="col"><span class="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${items.map((m) => html`<${Row} key=${m.id} m=${m} retried=${reload} />`)}
                  </tbody>
                </table>
              </div>`
    }
    ${
      next === null || pages.includes(next)
        ? null
        : html`<${Button}
            variant="quiet"
            onClick=${async () => {
              const page = await ok(
                client.GET('/api/notifications/outbox', {
                  params: { query: { limit: 50, cursor: next, ...(status === '' ? {} : { status }) } },
                }),
              );
              setPages([...pages, next]);
              setMore([...more, ...page.items]);
              setCursor(page.nextCursor);
            }}
            >Show older<//
          >`
    }
  </main>`;
}
