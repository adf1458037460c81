import type { NavItem, Route } from '../router.js';

/** Review on the document: issue 18. */
export const routes: Route[] = [];
export const nav: NavItem[] = [];
