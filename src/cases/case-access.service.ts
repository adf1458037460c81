import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { TransactionContext } from '../database/transaction-context.js';
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

  /** Loads a case the user may see (locked for update when asked), naming it in the audit row. */
  async load(user: AuthenticatedUser, caseId: string, options: { lock?: boolean; manager?: EntityManager } = {}): Promise<CaseEntity> {
    const manager = options.manager ?? this.tx.manager;
    const found = await manager.findOne(CaseEntity, {
      where: { id: caseId },
      ...(options.lock === true ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (found === null) throw new NotFoundException('Case not found');
    AuditScope.describe({ entityId: found.id, caseId: found.id, patientId: found.patientId });
    if (!(await this.canSeeClinic(user, found.clinicId))) throw new HiddenResourceException('Case');
    return found;
  }
}
