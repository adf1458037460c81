import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from './api/client.js';

export type Role = Schemas['UserResponseDto']['role'];
export type Me = Schemas['UserResponseDto'];

/**
 * A screen of the app. `path` is a hash path with `:name` parameters
 * ("/cases/:id"); `roles` are those who may open it (others see a plain
 * "not for your role" page, never a raw refusal).
 */
export interface Route {
  path: string;
  roles: readonly Role[];
  view: (params: Record<string, string>, me: Me) => ComponentChildren;
}

/** An entry of the main navigation. */
export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
  order: number;
}

export const ALL_ROLES: readonly Role[] = ['admin', 'coordinator', 'clinician'];
export const STAFF: readonly Role[] = ['coordinator', 'clinician'];

/** The current hash path without '#', and its query (?a=b). */
export function useHashPath(): { path: string; query: URLSearchParams } {
  const read = () => {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, q] = raw.split('?');
    return { path: path ?? '/', query: new URLSearchParams(q ?? '') };
  };
  const [state, setState] = useState(read);
  useEffect(() => {
    const on = (): void => setState(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return state;
}

export function navigate(path: string): void {
  location.hash = `#${path}`;
}

/** The route matching a path, with its parameters. */
export function match(
  routes: readonly Route[],
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  for (const route of routes) {
    const pattern = route.path.split('/').filter((p) => p !== '');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      const part = parts[i];
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return seg === part;
    });
    if (ok) return { route, params };
  }
  return undefined;
}
