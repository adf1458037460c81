import { DateTime } from 'luxon';

/** Words for the roster's files (the server has no label table of its own for disciplines). */
const DISCIPLINE_WORDS: Record<string, string> = {
  medical_oncology: 'Medical oncology',
  surgical_oncology: 'Surgical oncology',
  radiation_oncology: 'Radiation oncology',
  pathology: 'Pathology',
  radiology: 'Radiology',
  genetic_counseling: 'Genetic counseling',
  nurse_navigation: 'Nurse navigation',
  palliative_care: 'Palliative care',
  other: 'Other',
};
export const disciplineLabel = (d: string): string => DISCIPLINE_WORDS[d] ?? d;

/** Times as the clinic reads them. */
export class ZonedText {
  constructor(readonly zone: string) {}
  private dt(iso: string | Date): DateTime {
    return (typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso)).setZone(this.zone);
  }
  clock(iso: string | Date): string {
    return this.dt(iso).toFormat('HH:mm');
  }
  date(iso: string | Date): string {
    return this.dt(iso).toFormat('d LLL yyyy');
  }
  /** "2026-12-03 12:05": for CSV cells, sortable. */
  stamp(iso: string | Date): string {
    return this.dt(iso).toFormat('yyyy-LL-dd HH:mm');
  }
  /** "MST", or the offset where the zone has no abbreviation. */
  abbreviation(iso: string | Date): string {
    return this.dt(iso).offsetNameShort ?? this.dt(iso).toFormat('ZZ');
  }
  /** "3 Dec 2026, 12:00–13:30 MST". */
  span(from: string, to: string): string {
    const sameDay = this.date(from) === this.date(to);
    return `${this.date(from)}, ${this.clock(from)}–${sameDay ? '' : `${this.date(to)} `}${this.clock(to)} ${this.abbreviation(from)}`;
  }
  /** "Times are in America/Denver (MST)." */
  label(at: string | Date): string {
    return `Times are in ${this.zone} (${this.abbreviation(at)}).`;
  }
}
