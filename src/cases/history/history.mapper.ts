import type { HistoryVersionDto, PatientHistoryDto } from './dto/history.dto.js';
import { emptyHistory, type PatientHistory } from './history.types.js';

const orNull = <T>(value: T | null | undefined): T | null => value ?? null;

/** A validated request body as the stored document: every section present, absent values null. */
export function toHistoryDocument(dto: PatientHistoryDto): PatientHistory {
  return {
    treatments: (dto.treatments ?? []).map((t) => ({
      modality: t.modality,
      drugs: t.drugs ?? [],
      regimen: orNull(t.regimen),
      startDate: orNull(t.startDate),
      endDate: orNull(t.endDate),
      line: orNull(t.line),
      setting: orNull(t.setting),
      bestResponse: orNull(t.bestResponse),
      institution: orNull(t.institution),
      notes: orNull(t.notes),
    })),
    medications: (dto.medications ?? []).map((m) => ({
      name: m.name,
      dose: orNull(m.dose),
      route: orNull(m.route),
      frequency: orNull(m.frequency),
      startDate: orNull(m.startDate),
    })),
    comorbidities: (dto.comorbidities ?? []).map((c) => ({ description: c.description, icd10cm: orNull(c.icd10cm) })),
    allergies: (dto.allergies ?? []).map((a) => ({
      substance: a.substance,
      reaction: orNull(a.reaction),
      severity: orNull(a.severity),
    })),
    familyHistory: (dto.familyHistory ?? []).map((f) => ({
      relative: f.relative,
      condition: f.condition,
      ageAtDiagnosis: orNull(f.ageAtDiagnosis),
    })),
    menopausalStatus: orNull(dto.menopausalStatus),
    pregnancyStatus: orNull(dto.pregnancyStatus),
    pregnancyWeeks: orNull(dto.pregnancyWeeks),
    geneticTests: (dto.geneticTests ?? []).map((g) => ({
      testName: g.testName,
      origin: g.origin,
      gene: orNull(g.gene),
      variant: orNull(g.variant),
      result: g.result,
      date: orNull(g.date),
      lab: orNull(g.lab),
    })),
    firstTreatmentDate: orNull(dto.firstTreatmentDate),
    referringQuestion: orNull(dto.referringQuestion),
    patientGoals: orNull(dto.patientGoals),
  };
}

/** A stored document read back; sections added to the model since it was written read as empty. */
export function readHistoryDocument(stored: Partial<PatientHistory>): PatientHistory {
  return { ...emptyHistory(), ...stored };
}

export interface HistoryRow {
  id: string;
  case_id: string;
  version: number;
  document: Partial<PatientHistory>;
  author_id: string;
  author_name: string | null;
  recorded_at: Date;
}

export function toHistoryVersion(row: HistoryRow): HistoryVersionDto {
  return {
    caseId: row.case_id,
    version: row.version,
    document: readHistoryDocument(row.document),
    author: { id: row.author_id, displayName: row.author_name ?? '' },
    recordedAt: row.recorded_at.toISOString(),
  };
}

/** Before anyone wrote a history: version 0, empty but for the case's own first treatment date. */
export function emptyHistoryVersion(caseId: string, firstTreatmentDate: string | null): HistoryVersionDto {
  return {
    caseId,
    version: 0,
    document: { ...emptyHistory(), firstTreatmentDate },
    author: null,
    recordedAt: null,
  };
}
