import { Module } from '@nestjs/common';
import { EventLogModule } from '../events/event-log.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from './diagnoses.module.js';
import { ReviewController } from './review.controller.js';
import { ReviewService } from './review.service.js';

/** Annotations, review and board assessments, diagnosis changes. */
@Module({
  imports: [DatabaseModule, CasesModule, DiagnosesModule, EventLogModule],
  controllers: [ReviewController],
  providers: [ReviewService],
  exports: [ReviewService],
})
export class ReviewModule {}
