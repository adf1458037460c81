import type { SchemaObject } from '@nestjs/swagger';
import { FOLLOW_UP_FIGURES_SCHEMA } from './follow-up-figures.js';

// The reports' JSON as the OpenAPI document describes it (the interfaces in
// reports.service.ts), so the browser app's client is typed from it.

const count = (description: string): SchemaObject => ({
  type: 'object',
  description,
  required: ['n', 'pct'],
  properties: { n: { type: 'integer' }, pct: { type: 'number', description: 'per cent, one decimal' } },
});
const counts = (names: Record<string, string>): Record<string, SchemaObject> =>
  Object.fromEntries(Object.entries(names).map(([k, d]) => [k, count(d)]));

export const CONCORDANCE_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'clinicId',
    'from',
    'to',
    'casesReviewed',
    'changed',
    'concordant',
    'major',
    'minor',
    'managementImpact',
    'additionalCancers',
    'pathologyReinterpretation',
    'stageUp',
    'stageDown',
    'byChangeType',
    'byDiscipline',
    'byInitiator',
  ],
  properties: {
    clinicId: { type: 'string', format: 'uuid' },
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date', description: 'exclusive' },
    casesReviewed: { type: 'integer' },
    ...counts({
      changed: 'cases whose board diagnosis differs from the referring one',
      concordant: 'cases with no change',
      major: 'changes that alter management',
      minor: 'changes that do not alter management',
      additionalCancers: 'cases where the board found another cancer',
      pathologyReinterpretation: 'cases whose histology the board reinterpreted',
      stageUp: 'cases staged higher by the board',
      stageDown: 'cases staged lower by the board',
    }),
    managementImpact: {
      type: 'object',
      required: ['changed', 'potential', 'none'],
      properties: counts({
        changed: 'management changed',
        potential: 'management may change (pending a test or decision)',
        none: 'management unchanged',
      }),
    },
    byChangeType: { type: 'object', additionalProperties: { type: 'integer' }, description: 'change type → cases' },
    byDiscipline: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['changed'], properties: { changed: { type: 'integer' } } },
    },
    byInitiator: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['reviewed', 'changed', 'pct'],
        properties: { reviewed: { type: 'integer' }, changed: { type: 'integer' }, pct: { type: 'number' } },
      },
    },
  },
};

export const CONFERENCE_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'clinicId',
    'year',
    'sessions',
    'requiredDisciplines',
    'attendanceByDiscipline',
    'sessionsWithAllRequired',
    'casesPresented',
    'presentations',
    'prospective',
    'caseVolume',
    'followUp',
  ],
  properties: {
    clinicId: { type: 'string', format: 'uuid' },
    year: { type: 'integer' },
    sessions: { type: 'integer' },
    requiredDisciplines: { type: 'array', items: { type: 'string' } },
    attendanceByDiscipline: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['sessions', 'pct'],
        properties: { sessions: { type: 'integer' }, pct: { type: 'number' } },
      },
    },
    sessionsWithAllRequired: count('sessions every required discipline attended'),
    casesPresented: { type: 'integer', description: 'distinct cases presented' },
    presentations: {
      type: 'object',
      required: ['total', 'prospective', 'retrospective', 'unknown', 'byReason'],
      properties: {
        total: { type: 'integer' },
        prospective: { type: 'integer' },
        retrospective: { type: 'integer' },
        unknown: { type: 'integer' },
        byReason: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    },
    prospective: {
      type: 'object',
      required: ['n', 'retrospective', 'unknown', 'pct', 'pctOfKnown', 'comparedWithTarget', 'targetPct', 'met'],
      properties: {
        n: { type: 'integer' },
        retrospective: { type: 'integer' },
        unknown: { type: 'integer' },
        pct: { type: 'number', description: 'over all presentations, unknown counting against' },
        pctOfKnown: { type: 'number', nullable: true },
        comparedWithTarget: { type: 'string', enum: ['pct'] },
        targetPct: { type: 'number' },
        met: { type: 'boolean' },
      },
    },
    caseVolume: {
      type: 'object',
      required: ['cases', 'caseload', 'pct', 'targetPct', 'met'],
      properties: {
        cases: { type: 'integer' },
        caseload: { type: 'integer', nullable: true },
        pct: { type: 'number', nullable: true },
        targetPct: { type: 'number' },
        met: { type: 'boolean', nullable: true },
      },
    },
    followUp: FOLLOW_UP_FIGURES_SCHEMA,
  },
};
