import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { BoardRoom } from './legacy.js';

/** Board: sessions, agenda, attendance, presenting, transcript, third opinions, trials. */
export const routes: Route[] = [
  { path: '/board', roles: STAFF, view: () => html`<${BoardRoom} id=${undefined} />` },
  { path: '/board/:id', roles: STAFF, view: (p) => html`<${BoardRoom} id=${p.id} />` },
];

export const nav: NavItem[] = [{ href: '#/board', label: 'Board sessions', roles: STAFF, order: 30 }];
