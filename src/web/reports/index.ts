import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { Reports } from './reports.js';

const REPORT_READERS = [...STAFF, 'admin'] as const;

/** Concordance and accreditation reports. */
export const routes: Route[] = [
  { path: '/reports', roles: REPORT_READERS, view: (_, me) => html`<${Reports} me=${me} />` },
];

export const nav: NavItem[] = [{ href: '#/reports', label: 'Reports', roles: REPORT_READERS, order: 40 }];
