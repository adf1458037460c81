import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { PasswordHasher } from './password-hasher.js';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD if that account does not exist. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tx: TransactionContext,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.bootstrapAdmin;
    if (admin === undefined) return;
    const email = admin.email.toLowerCase();
    const passwordHash = await this.passwords.hash(admin.password);
    await this.tx.run(async (manager) => {
      const inserted = await manager.query<{ id: string }[]>(
        `INSERT INTO app_user (email, display_name, role, password_hash, active, version)
         VALUES ($1, 'Administrator', 'admin', $2, true, 1)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, passwordHash],
      );
      const id = inserted[0]?.id;
      if (id === undefined) return;
      await this.audit.record(
        { action: 'user.create', entityType: 'user', entityId: id, outcome: 'success', reason: 'bootstrap_admin' },
        manager,
      );
      this.logger.log(`created the first admin account (user ${id}) from ADMIN_EMAIL`);
    });
  }
}
