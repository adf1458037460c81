import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { BoardDispatcher } from './board-dispatcher.service.js';
import { BoardSessionsController } from './board-sessions.controller.js';
import { BoardSessionsService } from './board-sessions.service.js';
import { BoardGateway } from './board.gateway.js';
import { EventLogModule } from '../events/event-log.module.js';

/** Board sessions (REST) and the live board room (socket.io `/board`). */
@Module({
  imports: [DatabaseModule, EventLogModule, AuditModule, AuthModule, ClinicsModule, CasesModule],
  controllers: [BoardSessionsController],
  providers: [BoardSessionsService, BoardDispatcher, BoardGateway],
})
export class BoardModule {}
