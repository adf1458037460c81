import { Module } from '@nestjs/common';
import { EventLogModule } from '../events/event-log.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ReviewModule } from '../diagnoses/review.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { LetterLinksService } from './letter-links.service.js';
import { PlansController } from './plans.controller.js';
import { PlansService } from './plans.service.js';

/** Consensus treatment plans: versions, votes, sign-off, third opinion. */
@Module({
  imports: [DatabaseModule, CasesModule, ReviewModule, EventLogModule, NotificationsModule],
  controllers: [PlansController],
  providers: [PlansService, LetterLinksService],
  exports: [LetterLinksService],
})
export class PlansModule {}
