import { useState } from 'preact/hooks';
import { client, ok, type Schemas } from '../api/client.js';
import type { Me } from '../router.js';
import { Badge } from '../ui/badge.js';
import { Button, ConfirmButton } from '../ui/button.js';
import { LoadError, Loading } from '../ui/empty.js';
import { Field, SelectField } from '../ui/field.js';
import { dateTime } from '../ui/format.js';
import { html } from '../ui/html.js';
import { fieldErrors } from '../ui/problem.js';
import { toastSuccess } from '../ui/toast.js';
import { useLoad } from '../ui/use-load.js';
import { patientName } from './words.js';

type Invitation = Schemas['GuestInvitationDto'];
type Item = Schemas['AgendaItemDto'];

const STATUS: Record<Invitation['status'], [string, 'success' | 'warning' | 'danger' | 'neutral']> = {
  invited: ['Invited', 'warning'],
  joined: ['Joined', 'success'],
  revoked: ['Withdrawn', 'danger'],
  expired: ['Expired', 'neutral'],
};

/**
 * Guests of a session: a coordinator invites the referring doctor for one
 * case on the agenda (the link is mailed and shown once, here) and can
 * withdraw the invitation, which cuts the guest off at once.
 */
export function GuestsPanel(props: {
  sessionId: string;
  agenda: readonly Item[];
  timeZone: string;
  me: Me;
  open: boolean;
}) {
  const coordinator = props.me.role === 'coordinator';
  const list = useLoad(
    () => ok(client.GET('/api/board-sessions/{id}/guest-invitations', { params: { path: { id: props.sessionId } } })),
    [props.sessionId],
  );
  const [form, setForm] = useState({ caseId: '', name: '', email: '', institution: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ name: string; url: string }>();
  const caseName = (caseId: string): string => {
    const item = props.agenda.find((a) => a.caseId === caseId);
    return item === undefined ? 'A case no longer on the agenda' : patientName(item.patient);
  };
  const invite = async (): Promise<void> => {
    try {
      const made = await ok(
        client.POST('/api/board-sessions/{id}/guest-invitations', {
          params: { path: { id: props.sessionId } },
          body: {
            caseId: form.caseId,
            name: form.name.trim(),
            email: form.email.trim(),
            ...(form.institution.trim() === '' ? {} : { institution: form.institution.trim() }),
          },
        }),
      );
      setErrors({});
      setCreated({ name: made.name, url: `${location.origin}${made.path}` });
      setForm({ caseId: '', name: '', email: '', institution: '' });
      toastSuccess(`${made.name} is invited; the link was mailed`);
      list.reload();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length === 0) throw err;
      setErrors(fields);
    }
  };
  return html`<section aria-labelledby="guests-h" class="guests">
    <h2 id="guests-h">Guests</h2>
    <p class="muted">
      A guest (usually the referring doctor) sees one case only, joins the live room while it is presented, can post,
      and never votes.
    </p>
    ${
      list.error !== undefined
        ? html`<${LoadError} text=${list.error} retry=${list.reload} />`
        : list.data === undefined
          ? html`<${Loading} what="the guests" />`
          : list.data.length === 0
            ? html`<p>No guest is invited.</p>`
            : html`<ul class="guest-list">
                ${list.data.map((g) => {
                  const [label, tone] = STATUS[g.status];
                  return html`<li key=${g.id}>
                    <strong>${g.name}</strong>${g.institution === null ? '' : `, ${g.institution}`} — for
                    ${caseName(g.caseId)} <${Badge} tone=${tone}>${label}<//>
                    <div class="muted">
                      ${
                        `${g.email}; link valid until ${dateTime(g.linkExpiresAt, props.timeZone)}` +
                        (g.redeemedAt === null ? '' : `; joined ${dateTime(g.redeemedAt, props.timeZone)}`)
                      }
                    </div>
                    ${
                      coordinator && (g.status === 'invited' || g.status === 'joined')
                        ? html`<${ConfirmButton}
                            variant="danger"
                            label=${`Withdraw invitation: ${g.name}`}
                            title="Withdraw the invitation?"
                            message=${`${g.name} is cut off at once and cannot come back with this link.`}
                            confirmLabel="Withdraw"
                            onConfirm=${async () => {
                              await ok(
                                client.POST('/api/guest-invitations/{id}/revocation', {
                                  params: { path: { id: g.id } },
                                }),
                              );
                              toastSuccess(`${g.name}'s invitation is withdrawn`);
                              list.reload();
                            }}
                            >Withdraw invitation<//
                          >`
                        : null
                    }
                  </li>`;
                })}
              </ul>`
    }
    ${
      created === undefined
        ? null
        : html`<div class="link-panel" role="status">
            <p>The invitation for ${created.name} (works once; also mailed):</p>
            <code class="guest-link">${created.url}</code>
          </div>`
    }
    ${
      coordinator && props.open
        ? html`<form
            class="guest-form"
            aria-label="Invite a guest"
            onSubmit=${(e: Event) => {
              e.preventDefault();
            }}
          >
            <h3>Invite a guest</h3>
            ${SelectField({
              label: 'For the case',
              name: 'caseId',
              value: form.caseId,
              placeholder: 'Choose a case on the agenda…',
              options: props.agenda.map((a) => ({ value: a.caseId, label: patientName(a.patient) })),
              onInput: (v) => setForm({ ...form, caseId: v }),
              error: errors.caseId,
            })}
            <div class="field-row">
              ${Field({ label: "Guest's name", name: 'name', value: form.name, onInput: (v) => setForm({ ...form, name: v }), error: errors.name })}
              ${Field({
                label: "Guest's e-mail",
                name: 'email',
                type: 'email',
                value: form.email,
                onInput: (v) => setForm({ ...form, email: v }),
                error: errors.email,
              })}
            </div>
            ${Field({
              label: 'Institution',
              name: 'institution',
              value: form.institution,
              onInput: (v) => setForm({ ...form, institution: v }),
              error: errors.institution,
            })}
            <${Button} variant="secondary" onClick=${invite}>Invite and mail the link<//>
          </form>`
        : null
    }
  </section>`;
}
