import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { EventLogService } from './event-log.service.js';

/** The event log, which every module that reports to the board room writes to. */
@Module({
  imports: [DatabaseModule],
  providers: [EventLogService],
  exports: [EventLogService],
})
export class EventLogModule {}
