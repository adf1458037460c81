import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { AttendanceRosterService } from './attendance-roster.service.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CasePacketService } from './case-packet.service.js';
import { GuestInvitationsController } from './guest-invitations.controller.js';
import { GuestInvitationsService } from './guest-invitations.service.js';
import { BoardDispatcher } from './board-dispatcher.service.js';
import { BoardSessionsController } from './board-sessions.controller.js';
import { BoardSessionsService } from './board-sessions.service.js';
import { BoardGateway } from './board.gateway.js';
import { CmeController } from './cme.controller.js';
import { PostponementsController } from './postponements.controller.js';
import { PostponementsService } from './postponements.service.js';
import { EventLogModule } from '../events/event-log.module.js';

/** Board sessions (REST) and the live board room (socket.io `/board`). */
@Module({
  imports: [DatabaseModule, EventLogModule, AuditModule, AuthModule, ClinicsModule, CasesModule, NotificationsModule],
  controllers: [BoardSessionsController, GuestInvitationsController, CmeController, PostponementsController],
  providers: [
    BoardSessionsService,
    BoardDispatcher,
    BoardGateway,
    AttendanceRosterService,
    CasePacketService,
    GuestInvitationsService,
    PostponementsService,
  ],
  exports: [PostponementsService],
})
export class BoardModule {}
