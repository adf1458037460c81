import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { accessVerdict, SocketAccessCache, type AccessGrant } from './socket-access.js';
import { UserMessageLimit } from './user-message-limit.js';
import { MAX_SOCKETS_PER_USER, slotLockKeys } from './user-socket-slots.js';

const CLINIC_A = '00000000-0000-4000-8000-00000000000a';
const CLINIC_B = '00000000-0000-4000-8000-00000000000b';

function grant(overrides: Partial<AccessGrant> = {}): AccessGrant {
  return { userId: 'u1', role: 'clinician', live: true, clinics: new Set([CLINIC_A]), ...overrides };
}

describe(accessVerdict.name, () => {
  it('should allow a live session of the same role that is still a member of every joined clinic', () => {
    expect(accessVerdict(grant(), { role: 'clinician', joinedClinics: [CLINIC_A] })).toEqual({ ok: true });
    expect(accessVerdict(grant(), { role: 'clinician', joinedClinics: [] })).toEqual({ ok: true });
  });

  it('should refuse a revoked session or a disabled user (no grant, or not live)', () => {
    expect(accessVerdict(undefined, { role: 'clinician', joinedClinics: [] })).toMatchObject({
      ok: false,
      code: 'session_revoked',
      status: 401,
    });
    expect(accessVerdict(grant({ live: false }), { role: 'clinician', joinedClinics: [] })).toMatchObject({
      code: 'session_revoked',
    });
  });

  it('should refuse a socket whose user changed role', () => {
    expect(accessVerdict(grant({ role: 'coordinator' }), { role: 'clinician', joinedClinics: [] })).toMatchObject({
      code: 'role_changed',
      status: 401,
    });
  });

  it('should refuse a socket joined to a session of a clinic the user left, whatever else it joined', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(CLINIC_A, CLINIC_B), { maxLength: 6 }), (joined) => {
        const verdict = accessVerdict(grant(), { role: 'clinician', joinedClinics: joined });
        expect(verdict.ok).toBe(!joined.includes(CLINIC_B));
        if (!verdict.ok) expect(verdict).toMatchObject({ code: 'membership_revoked', status: 403 });
      }),
    );
  });
});

describe(SocketAccessCache.name, () => {
  const setup = () => {
    let now = 1000;
    const reads: string[][] = [];
    let release: (() => void) | undefined;
    let hold = false;
    const grants = new Map<string, AccessGrant>([
      ['s1', grant({ userId: 'u1' })],
      ['s2', grant({ userId: 'u2' })],
    ]);
    const cache = new SocketAccessCache(
      async (ids) => {
        reads.push(ids);
        const read = new Map(ids.flatMap((id) => (grants.has(id) ? [[id, grants.get(id)!] as const] : [])));
        if (hold) await new Promise<void>((r) => (release = r)); // the answer is on its way back
        return read;
      },
      2000,
      () => now,
    );
    return {
      cache,
      reads,
      grants,
      tick: (ms: number) => (now += ms),
      hold: () => (hold = true),
      release: () => release?.(),
    };
  };

  it('should read once, in one batch, and answer from memory within the TTL', async () => {
    const { cache, reads, tick } = setup();
    expect(cache.fresh('s1')).toBeUndefined();
    const loaded = await cache.load(['s1', 's2', 's1', 'gone']);
    expect(reads).toEqual([['s1', 's2', 'gone']]);
    expect(loaded.get('gone')).toBeUndefined();
    expect(cache.fresh('s1')?.grant?.userId).toBe('u1');
    expect(cache.fresh('gone')).toEqual({ grant: undefined }); // known: not a live session
    tick(1999);
    expect(cache.fresh('s1')).toBeDefined();
    tick(1);
    expect(cache.fresh('s1')).toBeUndefined();
  });

  it("should drop a user's grants, a session's grant, or all of them when access changes", async () => {
    const { cache } = setup();
    await cache.load(['s1', 's2']);
    cache.invalidate({ userId: 'u1' });
    expect(cache.fresh('s1')).toBeUndefined();
    expect(cache.fresh('s2')).toBeDefined();
    cache.invalidate({ sessionId: 's2' });
    expect(cache.fresh('s2')).toBeUndefined();
    await cache.load(['s1', 's2']);
    cache.invalidate(undefined);
    expect(cache.fresh('s1')).toBeUndefined();
    expect(cache.fresh('s2')).toBeUndefined();
  });

  it('should not keep a read that was under way when a change arrived (it may predate the change)', async () => {
    const { cache, hold, release, grants } = setup();
    hold();
    const pending = cache.load(['s1']);
    await Promise.resolve();
    grants.delete('s1'); // the change commits…
    cache.invalidate({ userId: 'u1' }); // …and is announced while the old read is in flight
    release();
    expect((await pending).get('s1')?.userId).toBe('u1'); // its caller gets what it read
    expect(cache.fresh('s1')).toBeUndefined(); // but it is not cached: the next check reads again
  });

  it('should forget sessions no socket uses', async () => {
    const { cache } = setup();
    await cache.load(['s1', 's2']);
    cache.retain(new Set(['s2']));
    expect(cache.fresh('s1')).toBeUndefined();
    expect(cache.fresh('s2')).toBeDefined();
  });
});

describe(UserMessageLimit.name, () => {
  it('should refuse past the limit, audit only the first refusal of a block, and stop asking until it ends', async () => {
    let now = 0;
    let hits = 0;
    let queries = 0;
    const limit = new UserMessageLimit(
      <T>() => {
        queries++;
        hits++;
        return Promise.resolve([{ hits, retry_ms: 10_000 - now }] as T[]);
      },
      3,
      10_000,
      () => now,
    );
    for (let i = 0; i < 3; i++) await expect(limit.hit('u1')).resolves.toEqual({ allowed: true });
    await expect(limit.hit('u1')).resolves.toEqual({ allowed: false, retryMs: 10_000, first: true });
    now = 4000;
    await expect(limit.hit('u1')).resolves.toEqual({ allowed: false, retryMs: 6000, first: false });
    expect(queries).toBe(4); // the refusal during the block was answered from memory
    now = 10_000;
    hits = 0; // the window ended in the database too
    await expect(limit.hit('u1')).resolves.toEqual({ allowed: true });
  });
});

describe(slotLockKeys.name, () => {
  it('should give every slot of a user its own pair of 32-bit keys, sharing the user part', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: MAX_SOCKETS_PER_USER - 1 }), (userId, slot) => {
        const [a, b] = slotLockKeys(userId, slot);
        expect(Number.isInteger(a) && a >= -(2 ** 31) && a < 2 ** 31).toBe(true);
        expect(b >= 0 && b < 2 ** 31).toBe(true);
        expect(b & MAX_SOCKETS_PER_USER).toBe(slot);
        const [a0, b0] = slotLockKeys(userId, 0);
        expect(a).toBe(a0);
        expect(b - slot).toBe(b0);
      }),
    );
  });
});
