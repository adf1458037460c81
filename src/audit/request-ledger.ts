/** What the audit trail knows about one HTTP request while it is in flight. */
export interface InFlightRequest {
  /** `GET /api/cases/:id`, or `GET (no route)` when no route matched. */
  route: string;
  /** The caller's own X-Request-Id, kept apart from the server's id. */
  clientRequestId: string | null;
  /** Fastify's error code when Fastify refused the request itself (body, media type). */
  errorCode: string | null;
  /** Whether an audit row (or an aggregate count) was written for it. */
  audited: boolean;
}

/**
 * The requests this process is answering, by server request id: lets an
 * audit row written anywhere (guard, interceptor, service) find the
 * request's route and client id, and lets the response hook know whether
 * the request was audited already. Entries live from `onRequest` to
 * `onResponse`; the cap is a backstop against hooks that never run.
 */
export class RequestLedger {
  private readonly open = new Map<string, InFlightRequest>();

  constructor(private readonly cap = 20_000) {}

  start(requestId: string, entry: Omit<InFlightRequest, 'audited' | 'errorCode'>): InFlightRequest {
    if (this.open.size >= this.cap) {
      const oldest = this.open.keys().next();
      if (oldest.done !== true) this.open.delete(oldest.value);
    }
    const started: InFlightRequest = { ...entry, errorCode: null, audited: false };
    this.open.set(requestId, started);
    return started;
  }

  get(requestId: string | null | undefined): InFlightRequest | undefined {
    return requestId === null || requestId === undefined ? undefined : this.open.get(requestId);
  }

  markAudited(requestId: string | null | undefined): void {
    const entry = this.get(requestId);
    if (entry !== undefined) entry.audited = true;
  }

  finish(requestId: string): void {
    this.open.delete(requestId);
  }

  get size(): number {
    return this.open.size;
  }
}
