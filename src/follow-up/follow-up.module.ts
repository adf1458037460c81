import { Module } from '@nestjs/common';
import { BoardModule } from '../board/board.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ActionItemsController, CaseFollowUpController } from './follow-up.controller.js';
import { FollowUpService } from './follow-up.service.js';

/** What happened after the board: action items, treatment starts, outcomes (above plans). */
@Module({
  imports: [DatabaseModule, CasesModule, BoardModule, NotificationsModule],
  controllers: [CaseFollowUpController, ActionItemsController],
  providers: [FollowUpService],
})
export class FollowUpModule {}
