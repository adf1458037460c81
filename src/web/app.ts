import { useEffect, useState } from 'preact/hooks';
import { Account, SetPassword, SignIn } from './account/account.js';
import { HospitalReturn, pendingHospitalReturn, type HospitalReturnParams } from './account/hospital-sign-in.js';
import { client, ok } from './api/client.js';
import { enrolmentRequired, onAuthChange, signOut, tokens } from './api/session.js';
import * as admin from './admin/index.js';
import * as board from './board/index.js';
import * as cases from './cases/index.js';
import * as reports from './reports/index.js';
import * as review from './review/index.js';
import { ALL_ROLES, match, type Me, type NavItem, type Route, useHashPath } from './router.js';
import * as scheduling from './scheduling/index.js';
import * as tasks from './tasks/index.js';
import { LoadError, Loading } from './ui/empty.js';
import { html } from './ui/html.js';
import { ToastRegion } from './ui/toast.js';
import { LetterDownload } from './letter/letter.js';
import { GuestInvite, GuestRoom } from './guest/guest.js';

const AREAS = [cases, tasks, scheduling, board, review, reports, admin];
const ROUTES: Route[] = [
  ...AREAS.flatMap((a) => a.routes),
  { path: '/account', roles: ALL_ROLES, view: () => html`<${Account} />` },
  { path: '/guest-room', roles: ['guest'], view: () => html`<${GuestRoom} />` },
];
const NAV: NavItem[] = [
  ...AREAS.flatMap((a) => a.nav),
  { href: '#/account', label: 'Account', roles: ALL_ROLES, order: 90 },
].sort((a, b) => a.order - b.order);

/** Where a role starts. */
const HOME: Record<Me['role'], string> = {
  admin: '/admin',
  coordinator: '/cases',
  clinician: '/cases',
  guest: '/guest-room',
};

function Shell(props: { me: Me; path: string }) {
  const { me, path } = props;
  const found = match(ROUTES, path);
  let page;
  if (found === undefined || path === '/') {
    if (path === '/' || path === '') {
      location.replace(`#${HOME[me.role]}`);
      return null;
    }
    page = html`<main>
      <h1>Page not found</h1>
      <p>There is no page at this address. <a href=${`#${HOME[me.role]}`}>Go to your start page</a>.</p>
    </main>`;
  } else if (!found.route.roles.includes(me.role)) {
    page = html`<main>
      <h1>Not available to your role</h1>
      <p>
        This page is for ${found.route.roles.join(' or ')} accounts; you are signed in as ${me.role}.
        <a href=${`#${HOME[me.role]}`}>Go to your start page</a>.
      </p>
    </main>`;
  } else page = found.route.view(found.params, me);
  const here = `#${path}`;
  return html`<a
      class="skip"
      href="#content"
      onClick=${(e: Event) => {
        e.preventDefault();
        document.getElementById('content')?.focus();
      }}
      >Skip to content</a
    >
    <header class="top">
      <strong class="brand">Consilium</strong>
      <nav aria-label="Main">
        ${NAV.filter((n) => n.roles.includes(me.role)).map(
          (n) =>
            html`<a href=${n.href} aria-current=${here === n.href || here.startsWith(`${n.href}/`) ? 'page' : undefined}
              >${n.label}</a
            >`,
        )}
      </nav>
      <span class="who">${me.displayName} <span class="muted">(${me.role})</span></span>
      <button
        type="button"
        class="btn btn-quiet"
        onClick=${() => {
          // The next person to sign in on this screen starts on their own start page, not on this patient.
          location.hash = '#/';
          void signOut();
        }}
      >
        Sign out
      </button>
    </header>
    <div id="content" tabindex="-1">${page}</div>
    <${ToastRegion} />`;
}

export function App() {
  const { path } = useHashPath();
  const [signedIn, setSignedIn] = useState(tokens() !== null);
  const [restricted, setRestricted] = useState(enrolmentRequired());
  const [me, setMe] = useState<Me>();
  const [meError, setMeError] = useState<string>();
  // Back from a hospital sign-in (PUBLIC_URL/?code=…&state=…), and why it failed if it did.
  const [hospitalReturn, setHospitalReturn] = useState<HospitalReturnParams | undefined>(pendingHospitalReturn);
  const [refused, setRefused] = useState<string>();
  useEffect(
    () =>
      onAuthChange(() => {
        setSignedIn(tokens() !== null);
        setRestricted(enrolmentRequired());
      }),
    [],
  );
  useEffect(() => {
    setMe(undefined);
    if (!signedIn || restricted) return;
    ok(client.GET('/api/users/me')).then(setMe, (e: unknown) => setMeError(String(e)));
  }, [signedIn, restricted]);
  const parts = path.split('/');
  // A set-password link works signed in or not.
  if (parts[1] === 'set-password' && parts[2] !== undefined) return html`<${SetPassword} token=${parts[2]} />`;
  // An invitation link opens before any sign-in (a guest has no password).
  if (parts[1] === 'guest' && parts[2] !== undefined) return html`<${GuestInvite} token=${parts[2]} />`;
  // The referring doctor's mailed link needs no account.
  if (parts[1] === 'letter' && parts[2] !== undefined) return html`<${LetterDownload} token=${parts[2]} />`;
  if (hospitalReturn !== undefined)
    return html`<${HospitalReturn}
      params=${hospitalReturn}
      onDone=${(refusal?: string) => {
        setRefused(refusal);
        setHospitalReturn(undefined);
      }}
    />`;
  if (!signedIn) return html`<${SignIn} refused=${refused} /><${ToastRegion} />`;
  // An admin without a second factor can only enrol one.
  if (restricted) return html`<${Account} /><${ToastRegion} />`;
  if (me === undefined)
    return meError === undefined
      ? html`<main><${Loading} /></main>`
      : html`<main><${LoadError} text=${meError} /></main>`;
  return html`<${Shell} me=${me} path=${path} />`;
}
