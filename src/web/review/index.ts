import { html } from '../ui/html.js';
import { STAFF, type NavItem, type Route } from '../router.js';
import { RecordViewer } from './record-viewer.js';

/** Review on the document: issue 18. */
export const routes: Route[] = [
  {
    path: '/case/:id/record/:recordId',
    roles: STAFF,
    view: (p, me) => html`<${RecordViewer} caseId=${p.id} recordId=${p.recordId} me=${me} />`,
  },
  {
    // A finding's link: the record opened at its place.
    path: '/case/:id/record/:recordId/annotation/:annotationId',
    roles: STAFF,
    view: (p, me) =>
      html`<${RecordViewer} caseId=${p.id} recordId=${p.recordId} annotationId=${p.annotationId} me=${me} />`,
  },
];
export const nav: NavItem[] = [];
