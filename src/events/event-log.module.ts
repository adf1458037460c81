import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { EventLogService } from './event-log.service.js';

/**
 * The event log, which every domain module appends to (below them all: it
 * imports no domain module); the board room reads it.
 */
@Module({
  imports: [DatabaseModule],
  providers: [EventLogService],
  exports: [EventLogService],
})
export class EventLogModule {}
