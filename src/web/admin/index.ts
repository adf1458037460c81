import type { NavItem, Route } from '../router.js';
import { html } from '../ui/html.js';
import { AdminHome } from './admin-nav.js';
import { Audit } from './audit.js';
import { IdentityProviderPage, IdentityProviders, NewIdentityProvider } from './identity-providers.js';
import { Outbox } from './outbox.js';
import { ClinicPage } from './clinic.js';
import { Clinics, NewClinic } from './clinics.js';
import { SpecialistPage } from './specialist.js';
import { Specialists } from './specialists.js';
import { UserPage } from './user.js';
import { Users } from './users.js';

const ADMIN = ['admin'] as const;

/** Administration: users, clinics, members, rooms, specialists, availability, audit, break-glass. */
export const routes: Route[] = [
  { path: '/admin', roles: ADMIN, view: () => html`<${AdminHome} />` },
  { path: '/admin/users', roles: ADMIN, view: () => html`<${Users} />` },
  { path: '/admin/clinics', roles: ADMIN, view: () => html`<${Clinics} />` },
  // Before /:id, which would take "new" for an id.
  { path: '/admin/clinics/new', roles: ADMIN, view: () => html`<${NewClinic} />` },
  { path: '/admin/clinics/:id', roles: ADMIN, view: (p) => html`<${ClinicPage} id=${p.id} />` },
  { path: '/admin/specialists', roles: ADMIN, view: () => html`<${Specialists} />` },
  { path: '/admin/specialists/:id', roles: ADMIN, view: (p) => html`<${SpecialistPage} id=${p.id} />` },
  { path: '/admin/audit', roles: ADMIN, view: () => html`<${Audit} />` },
  { path: '/admin/sign-in', roles: ADMIN, view: () => html`<${IdentityProviders} />` },
  // Before /:id, which would take "new" for an id.
  { path: '/admin/sign-in/new', roles: ADMIN, view: () => html`<${NewIdentityProvider} />` },
  { path: '/admin/sign-in/:id', roles: ADMIN, view: (p) => html`<${IdentityProviderPage} id=${p.id} />` },
  { path: '/admin/outbox', roles: ADMIN, view: () => html`<${Outbox} />` },
  { path: '/admin/users/:id', roles: ADMIN, view: (p, me) => html`<${UserPage} id=${p.id} me=${me} />` },
];

export const nav: NavItem[] = [{ href: '#/admin', label: 'Administration', roles: ADMIN, order: 50 }];
