import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';

/**
 * Mail through a durable outbox (platform level: every module that mails
 * imports this one; it imports no domain module).
 */
@Module({
  imports: [DatabaseModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, OutboxDispatcher],
  exports: [NotificationsService],
})
export class NotificationsModule {}
