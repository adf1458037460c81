import { html } from '../ui/html.js';
import { STAFF, type NavItem, type Route } from '../router.js';
import { RecordViewer } from './record-viewer.js';

/** Review on the document: issue 18. */
export const routes: Route[] = [
  {
    path: '/case/:id/record/:recordId',
    roles: STAFF,
    view: (p) => html`<${RecordViewer} caseId=${p.id} recordId=${p.recordId} />`,
  },
];
export const nav: NavItem[] = [];
