import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';

/** Messages claimed at once by one instance. */
const BATCH = 20;
/**
 * How long a claim holds. Each message's claim is renewed just before it is
 * sent, and one send is bounded by the transport's timeouts (well under this),
 * so no other instance can take a message while it is being sent.
 */
const LEASE_SECONDS = 120;
/** The longest wait between two attempts. */
const MAX_BACKOFF_SECONDS = 6 * 3600;

interface Claimed {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  attempts: number;
}

/**
 * Delivers the outbox. Every instance runs one: it claims due messages with
 * FOR UPDATE SKIP LOCKED and a lease, so two instances never hold the same
 * message; a message is marked sent once the mail server accepted it. A
 * temporary failure (the server is down, answers 4xx) is retried with a
 * doubling back-off; a permanent one (5xx: no such mailbox) or the last
 * allowed attempt marks the message failed, for an admin to see and send
 * again. Each mail's Message-ID is derived from its outbox id, so in the one
 * case where a mail can go twice (the process dies after the server accepted
 * it and before it was marked), the receiving server sees the same message.
 * With no SMTP_URL nothing is sent and messages wait in the outbox.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutboxDispatcher.name);
  private readonly instance = randomUUID();
  private smtpUrl: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionContext,
  ) {}

  onApplicationBootstrap(): void {
    const { smtpUrl } = this.config.mail;
    if (smtpUrl === undefined) return;
    this.smtpUrl = smtpUrl;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((error: unknown) => {
          // The database may be away for a while; the next round tries again. No message content is logged.
          this.log.warn(`Outbox delivery round failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.config.mail.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Sends due messages until none is left (or the app stops). */
  private async drain(): Promise<void> {
    if (this.smtpUrl === undefined) return;
    // One connection for the round, reused by its messages and closed at its end.
    const transport = nodemailer.createTransport({
      url: this.smtpUrl,
      pool: true,
      maxConnections: 1,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    try {
      await this.rounds(transport);
    } finally {
      transport.close();
    }
  }

  private async rounds(transport: Transporter): Promise<void> {
    while (!this.stopped) {
      const claimed = await this.tx.query<Claimed>(
        `UPDATE notification_outbox o
            SET claimed_until = now() + make_interval(secs => $3), claimed_by = $2, attempts = o.attempts + 1
           FROM (SELECT id FROM notification_outbox
                  WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= now()
                    AND (claimed_until IS NULL OR claimed_until < now())
                  ORDER BY not_before, id LIMIT $1
                  FOR UPDATE SKIP LOCKED) due
          WHERE o.id = due.id
          RETURNING o.id, o.to_address, o.subject, o.body, o.attempts`,
        [BATCH, this.instance, LEASE_SECONDS],
      );
      for (const message of claimed) {
        if (this.stopped) break;
        await this.deliver(transport, message);
      }
      if (this.stopped) await this.release(claimed.map((c) => c.id));
      if (claimed.length < BATCH) return;
    }
  }

  private async deliver(transport: Transporter, message: Claimed): Promise<void> {
    // Renew the claim; if it lapsed (this instance was stalled) another instance owns the message now.
    const [held] = await this.tx.query<{ id: string }>(
      `UPDATE notification_outbox SET claimed_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND claimed_by = $2 AND claimed_until > now() AND sent_at IS NULL RETURNING id`,
      [message.id, this.instance, LEASE_SECONDS],
    );
    if (held === undefined) return;
    try {
      await transport.sendMail({
        from: this.config.mail.from,
        to: message.to_address,
        subject: message.subject,
        text: message.body,
        messageId: `<${message.id}@${new URL(this.config.publicUrl).hostname}>`,
      });
    } catch (error) {
      await this.failed(message, error as Error & { responseCode?: number });
      return;
    }
    await this.tx.query(
      `UPDATE notification_outbox SET sent_at = now(), claimed_until = NULL, last_error = NULL
        WHERE id = $1 AND claimed_by = $2`,
      [message.id, this.instance],
    );
  }

  private async failed(message: Claimed, error: Error & { responseCode?: number }): Promise<void> {
    const permanent = error.responseCode !== undefined && error.responseCode >= 500;
    const { retryBaseSeconds, maxAttempts } = this.config.mail;
    const backoff = Math.min(retryBaseSeconds * 2 ** (message.attempts - 1), MAX_BACKOFF_SECONDS);
    const last = permanent || message.attempts >= maxAttempts;
    await this.tx.query(
      `UPDATE notification_outbox
          SET claimed_until = NULL, last_error = $3, not_before = now() + make_interval(secs => $4),
              failed_at = CASE WHEN $5::boolean THEN now() END
        WHERE id = $1 AND claimed_by = $2`,
      [message.id, this.instance, describe(error), backoff, last],
    );
  }

  /** Claims not yet sent when the app stops go back at once, for another instance. */
  private async release(ids: string[]): Promise<void> {
    await this.tx.query(
      `UPDATE notification_outbox SET claimed_until = NULL, attempts = attempts - 1
        WHERE id = ANY($1::uuid[]) AND claimed_by = $2 AND sent_at IS NULL AND claimed_until IS NOT NULL`,
      [ids, this.instance],
    );
  }
}

/** The mail server's answer, or the connection's failure, in one line. */
function describe(error: Error & { responseCode?: number; code?: string }): string {
  const head =
    error.responseCode !== undefined ? `${error.responseCode} ` : error.code !== undefined ? `${error.code}: ` : '';
  return `${head}${error.message}`.replace(/\s+/g, ' ').slice(0, 500);
}
