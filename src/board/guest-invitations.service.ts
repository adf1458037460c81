import { createHash, randomBytes } from 'node:crypto';
import { ConflictException, ForbiddenException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { TokenPairDto } from '../auth/dto/auth.dto.js';
import { UserEntity } from '../auth/entities/user.entity.js';
import { SessionsService } from '../auth/sessions.service.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { caseReference, guestInvitationMail } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { BoardSessionsService } from './board-sessions.service.js';
import type {
  CreatedGuestInvitationDto,
  CreateGuestInvitationDto,
  GuestInvitationDto,
  GuestViewDto,
} from './dto/guest-invitation.dto.js';
import { GuestInvitationEntity } from './entities/guest-invitation.entity.js';

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');
/** A guest may stay this long past the session's planned end (boards run over). */
const ACCESS_MARGIN_MS = 2 * 3_600_000;
const DEFAULT_LINK_HOURS = 72;

type Refusal = 'unknown_invitation' | 'invitation_used' | 'invitation_expired' | 'invitation_revoked';

const REFUSAL_WORDS: Record<Refusal, string> = {
  unknown_invitation: 'This invitation link is unknown; check that the whole link was copied',
  invitation_used: 'This invitation was already used; ask the clinic’s coordinator for a new one',
  invitation_expired: 'This invitation has expired; ask the clinic’s coordinator for a new one',
  invitation_revoked: 'This invitation was withdrawn by the clinic',
};

/**
 * Outside participants: a coordinator invites a guest (the referring doctor)
 * to one session for one case. Redeeming the single-use link makes a guest
 * account that reaches only the live room of that session, sees only that
 * case's events and records, may post while the case is presented, and
 * never votes (votes belong to checked-in specialists). Revoking ends the
 * guest's sessions in the same transaction, which cuts their sockets at once
 * on every instance. Every step is audited.
 */
@Injectable()
export class GuestInvitationsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly boards: BoardSessionsService,
    private readonly sessions: SessionsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async invite(
    user: AuthenticatedUser,
    sessionId: string,
    dto: CreateGuestInvitationDto,
  ): Promise<CreatedGuestInvitationDto> {
    const session = await this.boards.load(user, sessionId, true);
    if (user.role !== 'coordinator') throw new ForbiddenException("Only the clinic's coordinators invite guests");
    if (session.status === 'closed' || session.status === 'cancelled')
      throw new ConflictException(`The session is ${session.status}; guests are invited to sessions still to come`);
    const [item] = await this.tx.query<{ patient_id: string }>(
      `SELECT c.patient_id FROM agenda_item a JOIN second_opinion_case c ON c.id = a.case_id
        WHERE a.session_id = $1 AND a.case_id = $2`,
      [sessionId, dto.caseId],
    );
    if (item === undefined)
      throw RequestValidationException.field('caseId', 'the case is not on this session’s agenda');
    AuditScope.describe({ caseId: dto.caseId, patientId: item.patient_id });
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const accessUntil = new Date(session.endsAt.getTime() + ACCESS_MARGIN_MS);
    const linkExpiresAt = new Date(
      Math.min(now + (dto.linkValidHours ?? DEFAULT_LINK_HOURS) * 3_600_000, accessUntil.getTime()),
    );
    const saved = await this.tx.manager.save(
      this.tx.manager.create(GuestInvitationEntity, {
        sessionId,
        caseId: dto.caseId,
        guestName: dto.name,
        guestEmail: dto.email.toLowerCase(),
        institution: dto.institution ?? null,
        tokenHash: sha256(token),
        linkExpiresAt,
        accessUntil,
        redeemedAt: null,
        guestUserId: null,
        revokedAt: null,
        revokedBy: null,
        createdBy: user.id,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    const [clinic] = await this.tx.query<{ name: string; time_zone: string }>(
      `SELECT name, time_zone FROM clinic WHERE id = $1`,
      [session.clinicId],
    );
    await this.notifications.toAddress(
      'guest_invitation',
      saved.guestEmail,
      guestInvitationMail({
        guestName: dto.name,
        clinicName: clinic?.name ?? 'the clinic',
        sessionTitle: session.title,
        startsAt: session.startsAt,
        timeZone: clinic?.time_zone ?? 'UTC',
        caseId: dto.caseId,
        link: this.notifications.appLink(`/guest/${token}`),
        linkExpiresAt,
      }),
    );
    return { ...toDto(saved), path: `/#/guest/${token}` };
  }

  async list(user: AuthenticatedUser, sessionId: string): Promise<GuestInvitationDto[]> {
    await this.boards.load(user, sessionId);
    if (user.role === 'guest') throw new ForbiddenException('Guests do not see other invitations');
    const rows = await this.tx.manager.find(GuestInvitationEntity, {
      where: { sessionId },
      order: { createdAt: 'ASC' },
    });
    return rows.map(toDto);
  }

  /** Withdraws an invitation; a guest already in is cut off at once (their sessions end in this transaction). */
  async revoke(user: AuthenticatedUser, id: string): Promise<GuestInvitationDto> {
    const m = this.tx.manager;
    const found = await m.findOne(GuestInvitationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (found === null) throw new NotFoundException('Invitation not found');
    await this.boards.load(user, found.sessionId);
    if (user.role !== 'coordinator')
      throw new ForbiddenException("Only the clinic's coordinators withdraw invitations");
    AuditScope.describe({ entityId: id, caseId: found.caseId });
    if (found.revokedAt !== null) return toDto(found);
    found.revokedAt = new Date();
    found.revokedBy = user.id;
    await m.save(found);
    if (found.guestUserId !== null) {
      await m.query(`UPDATE app_user SET active = false WHERE id = $1 AND role = 'guest'`, [found.guestUserId]);
      // Notifies every instance on commit: the guest's sockets are cut within the access sweep.
      await this.sessions.revokeAllForUser(m, found.guestUserId, 'guest_invitation_revoked');
    }
    return toDto(found);
  }

  /** Opens the invitation once: a guest account and its tokens. */
  async redeem(token: string, meta: { requestId: string; ip: string }): Promise<TokenPairDto> {
    const outcome = await this.tx.run(async (m) => {
      const [row] = await m.query<(GuestInvitationRow & { used: boolean; expired: boolean; patient_id: string })[]>(
        `SELECT g.id, g.session_id, g.case_id, g.guest_name, g.guest_email, g.institution, g.revoked_at,
                g.redeemed_at IS NOT NULL AS used, (g.link_expires_at <= now() OR g.access_until <= now()) AS expired,
                c.patient_id
           FROM guest_invitation g JOIN second_opinion_case c ON c.id = g.case_id
          WHERE g.token_hash = $1 FOR UPDATE OF g`,
        [sha256(token)],
      );
      const refusal: Refusal | undefined =
        row === undefined
          ? 'unknown_invitation'
          : row.revoked_at !== null
            ? 'invitation_revoked'
            : row.used
              ? 'invitation_used'
              : row.expired
                ? 'invitation_expired'
                : undefined;
      if (refusal !== undefined) return { ok: false as const, refusal, row };
      const guest = await m.save(
        m.create(UserEntity, {
          email: `guest-${row.id}@guests.consilium.invalid`,
          displayName: row.guest_name,
          role: 'guest' as const,
          passwordHash: null,
          active: true,
        }),
      );
      await m.query(`UPDATE guest_invitation SET redeemed_at = now(), guest_user_id = $2 WHERE id = $1`, [
        row.id,
        guest.id,
      ]);
      const { tokens } = await this.sessions.start(m, guest.id, 'guest');
      await this.audit.record(
        {
          actorId: guest.id,
          actorRole: 'guest',
          action: 'guest.invitation.redeem',
          entityType: 'guest_invitation',
          entityId: row.id,
          caseId: row.case_id,
          patientId: row.patient_id,
          outcome: 'success',
          statusCode: 200,
          requestId: meta.requestId,
          ip: meta.ip,
        },
        m,
      );
      return { ok: true as const, tokens };
    });
    if (outcome.ok) return outcome.tokens;
    await this.audit.record({
      action: 'guest.invitation.redeem',
      entityType: 'guest_invitation',
      entityId: outcome.row?.id ?? null,
      caseId: outcome.row?.case_id ?? null,
      outcome: 'denied',
      statusCode: outcome.refusal === 'unknown_invitation' ? 404 : 410,
      reason: outcome.refusal,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    const words = REFUSAL_WORDS[outcome.refusal];
    if (outcome.refusal === 'unknown_invitation') throw new NotFoundException(words);
    throw new GoneException(words);
  }

  /** What the guest's page shows: the session, the invited case, whether it is on screen now. */
  async view(user: AuthenticatedUser): Promise<GuestViewDto> {
    const [row] = await this.tx.query<{
      id: string;
      guest_name: string;
      access_until: Date;
      session_id: string;
      title: string;
      starts_at: Date;
      ends_at: Date;
      status: string;
      clinic_name: string;
      time_zone: string;
      case_id: string;
      patient_id: string;
      patient_name: string;
      presenting: boolean;
    }>(
      `SELECT g.id, g.guest_name, g.access_until, s.id AS session_id, s.title, s.starts_at, s.ends_at, s.status,
              cl.name AS clinic_name, cl.time_zone, g.case_id, c.patient_id,
              trim(p.given_name || ' ' || p.family_name) AS patient_name,
              s.presenting_case_id IS NOT DISTINCT FROM g.case_id AS presenting
         FROM guest_invitation g
         JOIN board_session s ON s.id = g.session_id
         JOIN clinic cl ON cl.id = s.clinic_id
         JOIN second_opinion_case c ON c.id = g.case_id
         JOIN patient p ON p.id = c.patient_id
        WHERE g.guest_user_id = $1 AND g.revoked_at IS NULL AND g.access_until > now()`,
      [user.id],
    );
    if (row === undefined) throw new NotFoundException('No active invitation');
    AuditScope.describe({ entityId: row.id, caseId: row.case_id, patientId: row.patient_id });
    return {
      invitationId: row.id,
      guestName: row.guest_name,
      accessUntil: row.access_until.toISOString(),
      sessionId: row.session_id,
      sessionTitle: row.title,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at.toISOString(),
      sessionStatus: row.status,
      clinicName: row.clinic_name,
      timeZone: row.time_zone,
      caseId: row.case_id,
      caseReference: caseReference(row.case_id),
      patientName: row.patient_name,
      presenting: row.presenting,
    };
  }
}

interface GuestInvitationRow {
  id: string;
  session_id: string;
  case_id: string;
  guest_name: string;
  guest_email: string;
  institution: string | null;
  revoked_at: Date | null;
}

function toDto(g: GuestInvitationEntity): GuestInvitationDto {
  const now = Date.now();
  const status =
    g.revokedAt !== null
      ? 'revoked'
      : g.redeemedAt !== null
        ? g.accessUntil.getTime() <= now
          ? 'expired'
          : 'joined'
        : g.linkExpiresAt.getTime() <= now
          ? 'expired'
          : 'invited';
  return {
    id: g.id,
    sessionId: g.sessionId,
    caseId: g.caseId,
    name: g.guestName,
    email: g.guestEmail,
    institution: g.institution,
    status,
    linkExpiresAt: g.linkExpiresAt.toISOString(),
    accessUntil: g.accessUntil.toISOString(),
    redeemedAt: g.redeemedAt?.toISOString() ?? null,
    revokedAt: g.revokedAt?.toISOString() ?? null,
    createdAt: g.createdAt.toISOString(),
  };
}
