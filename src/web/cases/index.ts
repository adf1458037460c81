import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { CaseList } from './case-list.js';
import { CasePage } from './case-page.js';
import { Intake } from './intake.js';

/** Cases: the list, referral intake, the case page (workflow, readiness, records). */
export const routes: Route[] = [
  { path: '/cases', roles: STAFF, view: (_, me) => html`<${CaseList} me=${me} />` },
  { path: '/cases/new', roles: ['coordinator'], view: () => html`<${Intake} />` },
  { path: '/case/:id', roles: STAFF, view: (p, me) => html`<${CasePage} id=${p.id} me=${me} />` },
];

export const nav: NavItem[] = [{ href: '#/cases', label: 'Cases', roles: STAFF, order: 10 }];
