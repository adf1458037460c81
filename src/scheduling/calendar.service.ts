import { Injectable, NotFoundException } from '@nestjs/common';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { ClinicsService } from '../clinics/clinics.service.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { SpecialistsService } from '../specialists/specialists.service.js';
import { AppointmentEntity, ItineraryEntity } from './entities/appointment.entity.js';
import { calendarPropertiesFirst, calendarWindow } from './calendar-layout.js';
import { icsLine, icsText } from './ics-text.js';

const label = (discipline: string): string => discipline.replace(/_/g, ' ');

interface SpecialistAppointmentRow {
  id: string;
  case_id: string;
  discipline: string;
  patient_attends: boolean;
  starts_at: Date;
  ends_at: Date;
  room: string | null;
  clinic: string;
  time_zone: string;
}

/**
 * iCalendar exports. Times are written as UTC instants (unambiguous in every
 * client, across daylight-saving changes); X-WR-TIMEZONE names the clinic's
 * zone for display. No patient names: calendar apps sync to other services.
 * Every text passes icsLine/icsText: a stored name cannot start a line.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly clinics: ClinicsService,
    private readonly specialists: SpecialistsService,
  ) {}

  async patientItinerary(user: AuthenticatedUser, caseId: string): Promise<string> {
    const c = await this.access.load(user, caseId);
    const itinerary = await this.tx.manager.findOne(ItineraryEntity, { where: { caseId, status: 'booked' } });
    if (itinerary === null) throw new NotFoundException('This case has no booked itinerary');
    const clinic = await this.clinics.find(c.clinicId);
    const rooms = new Map((await this.clinics.roomsOf(clinic.id)).map((r) => [r.id, r.name]));
    const appointments = await this.tx.manager.find(AppointmentEntity, {
      where: { itineraryId: itinerary.id, patientAttends: true },
      order: { startsAt: 'ASC' },
    });
    const calendar = ical({
      name: icsText(`${clinic.name}: your visit on ${itinerary.date}`),
      prodId: { company: 'Consilium', product: 'itinerary' },
      scale: 'gregorian',
      method: ICalCalendarMethod.PUBLISH,
    });
    calendar.x([{ key: 'X-WR-TIMEZONE', value: icsLine(clinic.timeZone) }]);
    for (const a of appointments) {
      calendar.createEvent({
        id: a.id,
        start: a.startsAt,
        end: a.endsAt,
        summary: icsLine(`Consultation: ${label(a.discipline)}`),
        location: icsLine(`${clinic.name}${a.roomId !== null ? `, ${rooms.get(a.roomId) ?? ''}` : ''}`),
        status: ICalEventStatus.CONFIRMED,
      });
    }
    return calendarPropertiesFirst(calendar.toString());
  }

  /** A feed a calendar app can subscribe to: without from/to, the last 30 days and the next 180. */
  async specialistCalendar(
    user: AuthenticatedUser,
    specialistId: string,
    range: { from?: string; to?: string },
  ): Promise<string> {
    const specialist = await this.specialists.get(user, specialistId);
    const { from, to } = calendarWindow(range.from, range.to, new Date());
    if (Date.parse(to) <= Date.parse(from)) throw RequestValidationException.field('to', 'to must be after from');
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000)
      throw RequestValidationException.field('to', 'at most one year at a time');
    const rows = await this.tx.query<SpecialistAppointmentRow>(
      `SELECT a.id, a.case_id, a.discipline, a.patient_attends, a.starts_at, a.ends_at, r.name AS room, c.name AS clinic, c.time_zone
         FROM appointment a
         JOIN itinerary i ON i.id = a.itinerary_id
         JOIN clinic c ON c.id = i.clinic_id
         LEFT JOIN room r ON r.id = a.room_id
        WHERE a.specialist_id = $1 AND a.status = 'booked' AND a.starts_at < $3 AND a.ends_at > $2
        ORDER BY a.starts_at`,
      [specialistId, from, to],
    );
    const calendar = ical({
      name: icsText(`${specialist.displayName}: clinic appointments`),
      prodId: { company: 'Consilium', product: 'specialist' },
      scale: 'gregorian',
      method: ICalCalendarMethod.PUBLISH,
      // Subscribed calendars refresh hourly (REFRESH-INTERVAL, X-PUBLISHED-TTL).
      ttl: 3600,
    });
    if (rows[0] !== undefined) calendar.x([{ key: 'X-WR-TIMEZONE', value: icsLine(rows[0].time_zone) }]);
    for (const a of rows) {
      calendar.createEvent({
        id: a.id,
        start: a.starts_at,
        end: a.ends_at,
        summary: icsLine(
          `${a.patient_attends ? 'Patient visit' : 'Review'}: ${label(a.discipline)} (case ${a.case_id.slice(0, 8)})`,
        ),
        location: icsLine(`${a.clinic}${a.room !== null ? `, ${a.room}` : ''}`),
        status: ICalEventStatus.CONFIRMED,
      });
    }
    return calendarPropertiesFirst(calendar.toString());
  }
}
