import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { Room } from './room.js';
import { SessionPage } from './session.js';
import { BoardSessions, NewSession } from './sessions.js';
import { Trials } from './trials.js';
import { YearRosterPage } from './year-roster.js';

/** Board: sessions, agenda, attendance, presenting, transcript, third opinions, trials. */
export const routes: Route[] = [
  { path: '/board', roles: STAFF, view: (_, me) => html`<${BoardSessions} me=${me} />` },
  // Before /board/:id, which would take "new" for an id.
  { path: '/board/new', roles: ['coordinator'], view: () => html`<${NewSession} />` },
  // CME attendance of a year: the clinic's coordinators and administrators (no patient data on it).
  {
    path: '/board/rosters/:year',
    roles: ['coordinator', 'admin'],
    view: (p, me) => html`<${YearRosterPage} year=${p.year} me=${me} />`,
  },
  { path: '/board/:id', roles: STAFF, view: (p, me) => html`<${SessionPage} id=${p.id} me=${me} />` },
  { path: '/board/:id/room', roles: STAFF, view: (p, me) => html`<${Room} id=${p.id} me=${me} />` },
  { path: '/trials', roles: STAFF, view: (_, me) => html`<${Trials} me=${me} />` },
];

export const nav: NavItem[] = [
  { href: '#/board', label: 'Board sessions', roles: STAFF, order: 30 },
  { href: '#/trials', label: 'Trials', roles: STAFF, order: 35 },
];
