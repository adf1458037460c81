import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { TransactionContext } from '../database/transaction-context.js';

/**
 * Who may see and manage a clinic's data. Members see their clinics; admins
 * manage every clinic (patient data still needs break-glass, see cases).
 * Other modules ask here; they never read the membership table themselves.
 */
@Injectable()
export class ClinicAccessService {
  constructor(private readonly tx: TransactionContext) {}

  async isMember(userId: string, clinicId: string): Promise<boolean> {
    const rows = await this.tx.query<{ ok: number }>(
      'SELECT 1 AS ok FROM clinic_member WHERE clinic_id = $1 AND user_id = $2',
      [clinicId, userId],
    );
    return rows.length > 0;
  }

  async clinicIdsOf(userId: string): Promise<string[]> {
    const rows = await this.tx.query<{ clinic_id: string }>('SELECT clinic_id FROM clinic_member WHERE user_id = $1', [
      userId,
    ]);
    return rows.map((r) => r.clinic_id);
  }

  /** Admins and members may read clinic settings; anyone else is told it does not exist. */
  async assertCanRead(user: AuthenticatedUser, clinicId: string): Promise<void> {
    if (user.role === 'admin') return;
    if (!(await this.isMember(user.id, clinicId))) throw new NotFoundException('Clinic not found');
  }

  /** Admins, and coordinators who belong to the clinic, manage it. */
  async assertCanManage(user: AuthenticatedUser, clinicId: string): Promise<void> {
    if (user.role === 'admin') return;
    await this.assertCanRead(user, clinicId);
    if (user.role !== 'coordinator')
      throw new ForbiddenException("Only the clinic's coordinators and admins manage it");
  }
}
