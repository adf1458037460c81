import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { CasePage, Cases } from './legacy.js';

/** Cases: the list, referral intake, the case page (workflow, readiness, records). */
export const routes: Route[] = [
  { path: '/cases', roles: STAFF, view: () => html`<${Cases} />` },
  { path: '/case/:id', roles: STAFF, view: (p) => html`<${CasePage} id=${p.id} />` },
];

export const nav: NavItem[] = [{ href: '#/cases', label: 'Cases', roles: STAFF, order: 10 }];
