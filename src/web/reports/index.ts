import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { Reports } from './legacy.js';

export const routes: Route[] = [{ path: '/reports', roles: STAFF, view: () => html`<${Reports} />` }];

export const nav: NavItem[] = [{ href: '#/reports', label: 'Reports', roles: STAFF, order: 40 }];
