import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { EventLogService } from './event-log.service.js';

@Module({
  imports: [DatabaseModule],
  providers: [EventLogService],
  exports: [EventLogService],
})
export class BoardModule {}
