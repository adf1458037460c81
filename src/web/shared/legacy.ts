// What the views carried over from the first version of the app share (untyped JSON),
// until each area's views are rebuilt on the typed client.
export { useLoad } from '../ui/use-load.js';

export type Json = Record<string, unknown>;
export interface Page<T> {
  items: T[];
}

/** The first version's labels: a code with its underscores as spaces. */
export const words = (s: string): string => s.replace(/_/g, ' ');
