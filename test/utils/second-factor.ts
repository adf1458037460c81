import { generate } from 'otplib';
import request from 'supertest';
import type { Target } from './board-fixtures.js';
import type { Tokens } from './test-app.js';

const secrets = new Map<string, string>();

/**
 * Signs an admin in to a running server (a child process, or any Target):
 * at the first sign-in the admin has no second factor, so the session is
 * restricted to enrolment; this enrols TOTP through the real routes, which
 * lifts the restriction, and remembers the secret for later sign-ins.
 */
export async function signInAdmin(target: Target, admin: { email: string; password: string }): Promise<Tokens> {
  const id = `${typeof target === 'string' ? target : 'server'} ${admin.email}`;
  const known = secrets.get(id);
  const res = await request(target)
    .post('/api/auth/login')
    // The next step's code (within the ±1 step tolerance): the current one may have been used already.
    .send({
      ...admin,
      ...(known === undefined
        ? {}
        : { totp: await generate({ secret: known, epoch: Math.floor(Date.now() / 1000) + 30 }) }),
    });
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  const tokens = res.body as Tokens & { secondFactorEnrolmentRequired?: boolean };
  if (tokens.secondFactorEnrolmentRequired !== true) return tokens;
  const auth = { Authorization: `Bearer ${tokens.accessToken}` };
  const begun = await request(target).post('/api/users/me/totp').set(auth);
  if (begun.status !== 201) throw new Error(`totp enrolment: ${begun.status} ${JSON.stringify(begun.body)}`);
  const secret = begun.body.secret as string;
  const confirmed = await request(target)
    .post('/api/users/me/totp/confirm')
    .set(auth)
    .send({ code: await generate({ secret }) });
  if (confirmed.status !== 204) throw new Error(`totp confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  secrets.set(id, secret);
  return tokens;
}
