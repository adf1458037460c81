import { html } from '../ui/html.js';

/** The sections of administration, in the order an admin sets a clinic up. */
export const SECTIONS = [
  { href: '#/admin/users', label: 'Users', text: 'Invite people, set their role, hand over set-password links.' },
  {
    href: '#/admin/clinics',
    label: 'Clinics',
    text: 'Clinics with their time zone and rules, their members and rooms.',
  },
  {
    href: '#/admin/specialists',
    label: 'Specialists',
    text: 'Who sits on each board, their disciplines, weekly hours and time away.',
  },
  {
    href: '#/admin/outbox',
    label: 'Outbox',
    text: 'Every mail the platform wrote: sent, waiting, failed and why.',
  },
  {
    href: '#/admin/sign-in',
    label: 'Hospital sign-in',
    text: 'Hospitals whose staff sign in with their hospital account; whether passwords still work.',
  },
  {
    href: '#/admin/audit',
    label: 'Audit trail',
    text: 'Who did what and when; who saw a patient; break-glass access.',
  },
] as const;

/** Sub-navigation inside administration; the current section is marked for screen readers too. */
export function AdminNav(props: { current?: string }) {
  return html`<nav class="admin-nav" aria-label="Administration">
    <a href="#/admin" aria-current=${props.current === undefined ? 'page' : undefined}>Overview</a>
    ${SECTIONS.map(
      (s) => html`<a href=${s.href} aria-current=${props.current === s.href ? 'page' : undefined}>${s.label}</a>`,
    )}
  </nav>`;
}

/** Administration's home: a card per section. */
export function AdminHome() {
  return html`<main class="admin">
    <${AdminNav} />
    <h1>Administration</h1>
    <ul class="admin-cards">
      ${SECTIONS.map(
        (s) =>
          html`<li class="card">
            <h2><a href=${s.href}>${s.label}</a></h2>
            <p class="muted">${s.text}</p>
          </li>`,
      )}
    </ul>
  </main>`;
}
