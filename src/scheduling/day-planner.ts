import { solveItinerary, without, type Appointment, type SolverInput } from './solver.js';

export interface DayPatient {
  id: string;
  urgent: boolean;
}

export interface DayPlan {
  placed: { id: string; appointments: Appointment[]; timeInClinic: number }[];
  unplaced: { id: string; discipline: string; reason: string }[];
  totalTimeInClinic: number;
}

/** The day's calendars with `taken` appointments removed from their specialists and rooms. */
export function withBusy(input: SolverInput, taken: readonly Appointment[]): SolverInput {
  return {
    ...input,
    specialists: input.specialists.map((s) => ({
      ...s,
      free: without(
        s.free,
        taken.filter((a) => a.specialistId === s.id),
      ),
    })),
    rooms: input.rooms.map((r) => ({
      ...r,
      free: without(
        r.free,
        taken.filter((a) => a.roomId === r.id),
      ),
    })),
  };
}

/**
 * Plans a clinic day for several patients. Pure. Urgent patients first (in
 * the order given otherwise); each gets the shortest day (exact) around those
 * placed before; one who cannot be placed is reported with the reason.
 */
export function planClinicDay(input: SolverInput, patients: readonly DayPatient[]): DayPlan {
  const order = [...patients].sort((a, b) => Number(b.urgent) - Number(a.urgent));
  const taken: Appointment[] = [];
  const plan: DayPlan = { placed: [], unplaced: [], totalTimeInClinic: 0 };
  for (const p of order) {
    const result = solveItinerary(withBusy(input, taken));
    if (!result.ok) {
      plan.unplaced.push({ id: p.id, discipline: result.discipline, reason: result.reason });
      continue;
    }
    taken.push(...result.appointments);
    plan.placed.push({ id: p.id, appointments: result.appointments, timeInClinic: result.timeInClinic });
    plan.totalTimeInClinic += result.timeInClinic;
  }
  return plan;
}
