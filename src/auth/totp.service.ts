import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import type { EntityManager } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import { RequestValidationException } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { AuthSessionEntity } from './entities/auth-session.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { TotpCipher } from './totp-cipher.js';

export const TOTP_ISSUER = 'Consilium';
/** ±1 time step (30 s) of clock drift between the server and the phone. */
const TOLERANCE_SECONDS = 30;

export type TotpCheck = 'ok' | 'wrong' | 'replayed' | 'unreadable';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

/**
 * TOTP second factors (RFC 6238: SHA-1, 6 digits, 30 s), with otplib.
 * Secrets are encrypted at rest; each code is accepted once, by storing the
 * last accepted time step with a compare-and-set.
 */
@Injectable()
export class TotpService {
  private readonly cipher: TotpCipher;

  constructor(
    private readonly tx: TransactionContext,
    config: AppConfig,
  ) {
    this.cipher = new TotpCipher(config.totpKey);
  }

  /** A new secret for the user to scan; active only once `confirm` sees a code from it. */
  async begin(userId: string): Promise<TotpEnrolment> {
    return this.tx.run((manager) => this.beginIn(manager, userId));
  }

  private async beginIn(manager: EntityManager, userId: string): Promise<TotpEnrolment> {
    const user = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (user === null) throw new NotFoundException('User not found');
    if (user.totpEnabledAt !== null) {
      throw new ConflictException('A second factor is already active for this account; an admin can reset it');
    }
    const secret = generateSecret();
    await manager.update(UserEntity, { id: userId }, { totpPendingSecret: this.cipher.encrypt(secret, userId) });
    AuditScope.describe({ entityId: userId });
    return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: user.email, secret }) };
  }

  /**
   * Activates the pending secret when `code` comes from it, and lifts the
   * enrolment-only restriction of the caller's session at once.
   */
  async confirm(userId: string, sessionId: string | undefined, code: string): Promise<void> {
    await this.tx.run((manager) => this.confirmIn(manager, userId, sessionId, code));
  }

  private async confirmIn(
    manager: EntityManager,
    userId: string,
    sessionId: string | undefined,
    code: string,
  ): Promise<void> {
    const user = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (user === null) throw new NotFoundException('User not found');
    if (user.totpEnabledAt !== null) throw new ConflictException('A second factor is already active for this account');
    const secret = user.totpPendingSecret === null ? undefined : this.cipher.decrypt(user.totpPendingSecret, userId);
    if (secret === undefined) {
      throw new ConflictException('Start the enrolment first (POST /api/users/me/totp), then confirm a code');
    }
    const step = await matchingStep(secret, code);
    if (step === undefined) {
      throw RequestValidationException.field(
        'code',
        'code does not match: enter the 6-digit code your authenticator app shows now',
      );
    }
    await manager.update(
      UserEntity,
      { id: userId },
      {
        totpSecret: user.totpPendingSecret,
        totpPendingSecret: null,
        totpEnabledAt: () => 'now()',
        totpLastStep: step,
      },
    );
    if (sessionId !== undefined) await manager.update(AuthSessionEntity, { id: sessionId }, { enrolmentOnly: false });
    AuditScope.describe({ entityId: userId, severity: 'high', reason: 'second_factor_enabled' });
  }

  /** Checks a sign-in code; a code whose time step was already used is a replay. */
  async check(user: Pick<UserEntity, 'id' | 'totpSecret' | 'totpLastStep'>, code: string): Promise<TotpCheck> {
    const secret = user.totpSecret === null ? undefined : this.cipher.decrypt(user.totpSecret, user.id);
    if (secret === undefined) return 'unreadable';
    const step = await matchingStep(secret, code);
    if (step === undefined) return 'wrong';
    // Compare-and-set: of two requests with one code, only one moves the step on.
    const moved = await this.tx.query<{ id: string }>(
      `UPDATE app_user SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [user.id, step],
    );
    return moved.length === 1 ? 'ok' : 'replayed';
  }

  /** An admin's reset (a lost phone): the user enrols again at their next sign-in. */
  async reset(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(
      UserEntity,
      { id: userId },
      { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
    );
  }
}

/** The time step `code` belongs to, within the tolerance, or undefined. */
async function matchingStep(secret: string, code: string): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}
