import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { ClinicAccessService } from './clinic-access.service.js';
import { ClinicsController, RoomsController } from './clinics.controller.js';
import { ClinicsService } from './clinics.service.js';

@Module({
  imports: [DatabaseModule],
  controllers: [ClinicsController, RoomsController],
  providers: [ClinicsService, ClinicAccessService],
  exports: [ClinicsService, ClinicAccessService],
})
export class ClinicsModule {}
