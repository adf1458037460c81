import { createHash } from 'node:crypto';
import pg from 'pg';

/** Slot numbers take the low bits of the second lock key. */
const SLOT_BITS = 10;
export const MAX_SOCKETS_PER_USER = 2 ** SLOT_BITS - 1;

/**
 * The two 32-bit advisory lock keys of one user's slot. (The two-key form
 * is a lock space of its own, apart from the one-bigint locks the event log
 * and the FHIR import take.)
 */
export function slotLockKeys(userId: string, slot: number): [number, number] {
  const h = createHash('sha256').update(`board-socket:${userId}`).digest();
  const high = h.readInt32BE(0);
  const low = ((h.readUInt32BE(4) & 0x1fffff) << SLOT_BITS) | slot;
  return [high, low];
}

/**
 * At most `limit` open board sockets per user across every instance: each
 * socket holds one of the user's `limit` slots, a session-level PostgreSQL
 * advisory lock on this instance's own connection. A slot is taken with
 * `pg_try_advisory_lock` (atomic, whichever instance asks), given back when
 * the socket closes, and released by PostgreSQL itself when the instance
 * dies, so a crash never leaves a user locked out.
 */
export class UserSocketSlots {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  /** Slots this instance holds, per user. */
  private readonly held = new Map<string, Set<number>>();
  /** One acquisition or release at a time, so two sockets of a user never race for a slot here. */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly limit: number,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    if (limit < 1 || limit > MAX_SOCKETS_PER_USER) throw new Error(`socket limit must be 1 to ${MAX_SOCKETS_PER_USER}`);
  }

  /** A free slot of the user's, now held; `undefined` when all `limit` are taken. */
  acquire(userId: string): Promise<number | undefined> {
    return this.serial(async () => {
      const client = await this.connection();
      const mine = this.held.get(userId) ?? new Set<number>();
      for (let slot = 0; slot < this.limit; slot++) {
        if (mine.has(slot)) continue;
        const [a, b] = slotLockKeys(userId, slot);
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [a, b]);
        if (rows[0]?.ok === true) {
          mine.add(slot);
          this.held.set(userId, mine);
          return slot;
        }
      }
      return undefined;
    });
  }

  release(userId: string, slot: number): Promise<void> {
    return this.serial(async () => {
      const mine = this.held.get(userId);
      if (mine === undefined || !mine.delete(slot)) return;
      if (mine.size === 0) this.held.delete(userId);
      const client = this.client;
      if (client === undefined) return; // the connection is gone, and the lock with it
      const [a, b] = slotLockKeys(userId, slot);
      await client.query('SELECT pg_advisory_unlock($1, $2)', [a, b]);
    }).catch((error: unknown) => this.onError(`could not release a board socket slot: ${String(error)}`));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work, work);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    const lost = (): void => {
      if (this.client !== client) return;
      // PostgreSQL released every lock of that connection: the next connection takes the held slots again.
      this.client = undefined;
      void client.end().catch(() => undefined);
      if (!this.closed)
        void this.serial(() => this.connection()).catch((error: unknown) =>
          this.onError(`board socket slots: cannot reconnect yet (${String(error)})`),
        );
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      // After a lost connection: the slots this instance's sockets still hold, locked again (best effort:
      // one another instance took meanwhile stays over the limit until a socket closes).
      for (const [userId, slots] of this.held)
        for (const slot of slots) await client.query('SELECT pg_try_advisory_lock($1, $2)', slotLockKeys(userId, slot));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }
}
