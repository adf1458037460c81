import { HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { AppConfig } from '../config/app-config.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { TransactionContext } from '../database/transaction-context.js';
import { BreakGlassGrantEntity } from './entities/break-glass.entity.js';
import { CaseEntity } from './entities/case.entity.js';

/**
 * The one gate to patient data: members of a case's clinic see it; anyone
 * else gets a 404 that does not reveal the case, audited as `denied`.
 * Admins manage clinics and users but do not read patient data here.
 */
@Injectable()
export class CaseAccessService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly clinics: ClinicAccessService,
    private readonly config: AppConfig,
  ) {}

  async canSeeClinic(user: AuthenticatedUser, clinicId: string): Promise<boolean> {
    if (user.role === 'admin') return false;
    return this.clinics.isMember(user.id, clinicId);
  }

  /** Clinics whose cases the user may list. */
  async visibleClinicIds(user: AuthenticatedUser): Promise<string[]> {
    if (user.role === 'admin') return [];
    return this.clinics.clinicIdsOf(user.id);
  }

  /** The admin's live break-glass grant for this case, if any. */
  async activeGrant(userId: string, caseId: string): Promise<string | undefined> {
    const rows = await this.tx.query<{ id: string }>(
      'SELECT id FROM break_glass_grant WHERE user_id = $1 AND case_id = $2 AND expires_at > now() ORDER BY expires_at DESC LIMIT 1',
      [userId, caseId],
    );
    return rows[0]?.id;
  }

  /**
   * Break-glass: an admin states why they must read one case, for at most
   * four hours. The grant is a high-severity audit row, and so is every read
   * made under it.
   */
  async breakGlass(
    user: AuthenticatedUser,
    caseId: string,
    reason: string,
    minutes: number,
  ): Promise<{ grantId: string; expiresAt: string }> {
    const found = await this.tx.manager.findOne(CaseEntity, { where: { id: caseId } });
    if (found === null) throw new NotFoundException('Case not found');
    // At most 1 + BREAK_GLASS_MAX_RENEWALS grants per admin and case in 24 hours; the
    // advisory lock makes concurrent requests count one after the other.
    await this.tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`break_glass:${user.id}:${caseId}`]);
    const [recent] = await this.tx.query<{ n: number; next_at: Date | null }>(
      `SELECT count(*)::int AS n, min(created_at) + interval '24 hours' AS next_at
         FROM break_glass_grant WHERE user_id = $1 AND case_id = $2 AND created_at > now() - interval '24 hours'`,
      [user.id, caseId],
    );
    const allowed = 1 + this.config.breakGlassMaxRenewals;
    if ((recent?.n ?? 0) >= allowed) {
      AuditScope.describe({ caseId, patientId: found.patientId, severity: 'high' });
      throw new HttpException(
        {
          message: `Break-glass access to this case was granted ${allowed} times in the last 24 hours (1 + BREAK_GLASS_MAX_RENEWALS); ask the case's clinic to share it, or retry after ${recent?.next_at?.toISOString() ?? 'a day'}`,
          code: 'break_glass_renewals_exhausted',
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const grant = await this.tx.manager.save(
      this.tx.manager.create(BreakGlassGrantEntity, {
        userId: user.id,
        caseId,
        reason,
        expiresAt: new Date(Date.now() + minutes * 60_000),
      }),
    );
    AuditScope.describe({
      entityId: grant.id,
      caseId,
      patientId: found.patientId,
      reason: 'break_glass',
      severity: 'high',
    });
    return { grantId: grant.id, expiresAt: grant.expiresAt.toISOString() };
  }

  /**
   * Loads a case the user may see, naming it in the audit row. `write` says
   * the caller will change the case or add to it (break-glass never allows
   * that); `lock` also takes the row lock, and implies `write`.
   */
  async load(
    user: AuthenticatedUser,
    caseId: string,
    options: { write?: boolean; lock?: boolean; manager?: EntityManager } = {},
  ): Promise<CaseEntity> {
    const manager = options.manager ?? this.tx.manager;
    const found = await manager.findOne(CaseEntity, {
      where: { id: caseId },
      ...(options.lock === true ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (found === null) throw new NotFoundException('Case not found');
    AuditScope.describe({ entityId: found.id, caseId: found.id, patientId: found.patientId });
    if (user.role === 'guest') {
      // A guest reads the one case they were invited for, while the invitation holds; never writes.
      const [invited] = await manager.query<{ ok: boolean }[]>(
        `SELECT true AS ok FROM guest_invitation
          WHERE guest_user_id = $1 AND case_id = $2 AND revoked_at IS NULL AND access_until > now() LIMIT 1`,
        [user.id, found.id],
      );
      if (invited === undefined || options.write === true || options.lock === true)
        throw new HiddenResourceException('Case');
      AuditScope.describe({ reason: 'guest_invitation' });
      return found;
    }
    if (user.role === 'admin') {
      // Admins read patient data only under break-glass, and only to read.
      if (
        options.write !== true &&
        options.lock !== true &&
        (await this.activeGrant(user.id, found.id)) !== undefined
      ) {
        AuditScope.describe({ reason: 'break_glass', severity: 'high' });
        return found;
      }
      throw new HiddenResourceException('Case');
    }
    if (!(await this.canSeeClinic(user, found.clinicId))) throw new HiddenResourceException('Case');
    return found;
  }
}
