import { client, ok, type Schemas } from '../api/client.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';

export type Clinic = Schemas['ClinicResponseDto'];
export type Specialist = Schemas['SpecialistResponseDto'];
/** What the scheduling views show of a patient: the name and the MRN. */
export type Patient = Pick<Schemas['PatientSummaryDto'], 'familyName' | 'givenName' | 'mrn'>;

/** What the scheduling views name things by: the clinic's rules, its specialists and its rooms. */
export interface ClinicData {
  clinic: Clinic;
  specialists: Map<string, Specialist>;
  rooms: Map<string, string>;
}

export async function loadClinicData(clinicId: string): Promise<ClinicData> {
  const [clinic, specialists, rooms] = await Promise.all([
    ok(client.GET('/api/clinics/{id}', { params: { path: { id: clinicId } } })),
    ok(client.GET('/api/specialists', { params: { query: { clinicId } } })),
    ok(client.GET('/api/rooms', { params: { query: { clinicId } } })),
  ]);
  return {
    clinic,
    specialists: new Map(specialists.map((s) => [s.id, s])),
    rooms: new Map(rooms.map((r) => [r.id, r.name])),
  };
}

/** "Dr Ana Ruiz", or, for someone no longer on the roster, what they did. */
export function specialistName(data: ClinicData, id: string, discipline?: string): string {
  const s = data.specialists.get(id);
  if (s !== undefined) return s.displayName;
  return discipline === undefined
    ? 'A specialist no longer on the roster'
    : `${labelOf(DISCIPLINE_WORDS, discipline)} specialist`;
}

export const disciplineWords = (code: string): string => labelOf(DISCIPLINE_WORDS, code);

/** "RUIZ, Ana". */
export const patientName = (p: Patient): string => `${p.familyName.toUpperCase()}, ${p.givenName}`;
