import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { casePacketMail, type PacketItem } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';

const REASON_WORDS: Record<string, string> = {
  newly_diagnosed_pretreatment: 'newly diagnosed, before treatment',
  newly_diagnosed_additional_treatment: 'newly diagnosed, further treatment to decide',
  adjuvant_recurrence_progression: 'adjuvant treatment, recurrence or progression',
  supportive_palliative: 'supportive or palliative care',
  information_teaching: 'for information or teaching',
};

interface DueSession {
  id: string;
  clinic_name: string;
  time_zone: string;
  starts_at: Date;
}

/**
 * Queues each scheduled session's case packet CASE_PACKET_LEAD_HOURS before
 * it starts: one mail per board member (the clinic's clinicians) with the
 * agenda, each case by reference and why it is presented, and a link to the
 * session, where each case's summary and records are read (authorised and
 * audited). Any instance may do it: the session row is taken with FOR UPDATE
 * SKIP LOCKED and marked in the transaction that writes the mails, so each
 * packet is queued once.
 */
@Injectable()
export class CasePacketService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CasePacketService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionContext,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
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
      this.running = this.queueDue()
        .then(() => undefined)
        .catch((error: unknown) => this.log.warn(`Case packets not queued this round: ${(error as Error).message}`))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.config.mail.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Queues the packets now due; returns the sessions done. */
  async queueDue(): Promise<string[]> {
    return this.tx.run(async (m) => {
      const due = await m.query<DueSession[]>(
        `SELECT s.id, c.name AS clinic_name, c.time_zone, s.starts_at
           FROM board_session s JOIN clinic c ON c.id = s.clinic_id
          WHERE s.status = 'scheduled' AND s.packet_queued_at IS NULL AND s.starts_at > now()
            AND s.starts_at - make_interval(hours => $1) <= now()
          ORDER BY s.starts_at LIMIT 20
          FOR UPDATE OF s SKIP LOCKED`,
        [this.config.mail.casePacketLeadHours],
      );
      for (const session of due) {
        const items = await m.query<
          { case_id: string; position: number; mode: PacketItem['kind']; presentation_reason: string | null }[]
        >(
          `SELECT case_id, position, mode, presentation_reason FROM agenda_item WHERE session_id = $1 ORDER BY position`,
          [session.id],
        );
        const members = await m.query<{ user_id: string }[]>(
          `SELECT m.user_id FROM clinic_member m JOIN app_user u ON u.id = m.user_id
            WHERE m.clinic_id = (SELECT clinic_id FROM board_session WHERE id = $1) AND u.role = 'clinician'`,
          [session.id],
        );
        const start = DateTime.fromJSDate(session.starts_at, { zone: session.time_zone });
        const when = `${start.toFormat('cccc d LLLL yyyy, HH:mm')} (${session.time_zone})`;
        const packet: PacketItem[] = items.map((i, n) => ({
          position: n + 1,
          caseId: i.case_id,
          kind: i.mode,
          topic:
            i.presentation_reason === null
              ? 'reason for presentation not yet recorded'
              : (REASON_WORDS[i.presentation_reason] ?? i.presentation_reason),
        }));
        await this.notifications.toUsers(
          'case_packet',
          members.map((r) => r.user_id),
          (u) =>
            casePacketMail({
              displayName: u.displayName,
              clinicName: session.clinic_name,
              when,
              items: packet,
              link: this.notifications.appLink(`/board/${session.id}`),
            }),
          m,
        );
        await m.query(`UPDATE board_session SET packet_queued_at = now() WHERE id = $1`, [session.id]);
      }
      return due.map((d) => d.id);
    });
  }
}
