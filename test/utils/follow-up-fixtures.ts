import request from 'supertest';
import type { BoardWorld, Target } from './board-fixtures.js';
import { bearer } from './test-app.js';

/** A plan for one of the world's cases, drafted, proposed, voted on and signed at the world's session. */
export async function signPlan(
  target: Target,
  w: BoardWorld,
  sql: (query: string, params: unknown[]) => Promise<unknown>,
  caseId: string,
  items: Record<string, unknown>[],
): Promise<{ id: string; number: number }> {
  const [pathologist, chair] = w.doctors;
  const expect = (r: request.Response, status: number, what: string): request.Response => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  expect(
    await request(target)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(w.coord.tokens))
      .send({ caseId }),
    200,
    'present',
  );
  await sql(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = $1`, [caseId]);
  for (const [doctor, discipline] of [
    [pathologist, 'pathology'],
    [chair, 'medical_oncology'],
  ] as const) {
    // Already checked in (409) from an earlier case is fine.
    const r = await request(target)
      .post(`/api/board-sessions/${w.sessionId}/attendance`)
      .set(bearer(doctor.tokens))
      .send({ discipline });
    if (r.status !== 201 && r.status !== 200 && r.status !== 409) throw new Error(`check-in: ${r.status}`);
  }
  const draft = expect(
    await request(target).post(`/api/cases/${caseId}/plans`).set(bearer(chair.tokens)).send({ items }),
    201,
    'draft',
  );
  const url = `/api/cases/${caseId}/plans/${draft.body.id as string}`;
  expect(await request(target).post(`${url}/proposal`).set(bearer(chair.tokens)), 200, 'propose');
  for (const doctor of [pathologist, chair])
    expect(
      await request(target).put(`${url}/votes/me`).set(bearer(doctor.tokens)).send({ vote: 'agree' }),
      200,
      'vote',
    );
  expect(await request(target).post(`${url}/signature`).set(bearer(chair.tokens)), 200, 'sign');
  return { id: draft.body.id as string, number: draft.body.number as number };
}
