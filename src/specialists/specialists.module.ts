import { Module } from '@nestjs/common';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { SpecialistsController } from './specialists.controller.js';
import { SpecialistsService } from './specialists.service.js';

@Module({
  imports: [DatabaseModule, ClinicsModule],
  controllers: [SpecialistsController],
  providers: [SpecialistsService],
  exports: [SpecialistsService],
})
export class SpecialistsModule {}
