import { client, ok, type Schemas } from '../api/client.js';
import { DISCIPLINE_WORDS, labelOf } from '../ui/labels.js';

export type Clinic = Schemas['ClinicResponseDto'];
export type Specialist = Schemas['SpecialistResponseDto'];
export type Patient = Schemas['PatientSummaryDto'];

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

/** The patients of some cases, read one by one (each read is audited as the case's). */
export async function loadPatients(caseIds: readonly string[]): Promise<Map<string, Patient>> {
  const unique = [...new Set(caseIds)];
  const cases = await Promise.all(
    unique.map((id) => ok(client.GET('/api/cases/{id}', { params: { path: { id } } })).catch(() => undefined)),
  );
  const out = new Map<string, Patient>();
  cases.forEach((c, i) => {
    if (c !== undefined) out.set(unique[i] ?? c.id, c.patient);
  });
  return out;
}
