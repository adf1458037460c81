import { Module } from '@nestjs/common';
import { EventLogModule } from '../events/event-log.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SpecialistsModule } from '../specialists/specialists.module.js';
import { CalendarService } from './calendar.service.js';
import { CalendarController, ItineraryController, ScheduleDayController } from './scheduling.controller.js';
import { SchedulingService } from './scheduling.service.js';

@Module({
  imports: [DatabaseModule, CasesModule, ClinicsModule, SpecialistsModule, EventLogModule, NotificationsModule],
  controllers: [ItineraryController, CalendarController, ScheduleDayController],
  providers: [SchedulingService, CalendarService],
})
export class SchedulingModule {}
