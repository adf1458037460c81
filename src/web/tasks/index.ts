import type { NavItem, Route } from '../router.js';
import { STAFF } from '../router.js';
import { html } from '../ui/html.js';
import { MyTasks } from './tasks.js';

/** Follow-up tasks: the action items of signed plans, by responsible clinician. */
export const routes: Route[] = [{ path: '/tasks', roles: STAFF, view: (_, me) => html`<${MyTasks} me=${me} />` }];

export const nav: NavItem[] = [{ href: '#/tasks', label: 'My tasks', roles: STAFF, order: 15 }];
