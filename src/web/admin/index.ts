import type { NavItem, Route } from '../router.js';
import { html } from '../ui/html.js';
import { AdminHome } from './admin-nav.js';

const ADMIN = ['admin'] as const;

/** Administration: users, clinics, members, rooms, specialists, availability, audit, break-glass. */
export const routes: Route[] = [{ path: '/admin', roles: ADMIN, view: () => html`<${AdminHome} />` }];

export const nav: NavItem[] = [{ href: '#/admin', label: 'Administration', roles: ADMIN, order: 50 }];
