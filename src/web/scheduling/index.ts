import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { ClinicDay } from './clinic-day.js';

/** Scheduling: itineraries, the clinic day timeline, the day planner and sick-day repair. */
export const routes: Route[] = [{ path: '/day', roles: STAFF, view: (_, me) => html`<${ClinicDay} me=${me} />` }];

export const nav: NavItem[] = [{ href: '#/day', label: 'Clinic day', roles: STAFF, order: 20 }];
