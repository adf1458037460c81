import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesService } from './diagnoses.service.js';

@Module({
  imports: [DatabaseModule],
  providers: [DiagnosesService],
  exports: [DiagnosesService],
})
export class DiagnosesModule {}
