import { minutesOfDay, type Discipline } from '../common/clinical-codes.js';
import type { FieldError } from '../common/problem.js';
import type { PrecedenceRule, RequiredDiscipline } from './entities/clinic.entity.js';

export interface ClinicRulesInput {
  dayStart: string;
  dayEnd: string;
  requiredDisciplines: RequiredDiscipline[];
  precedence: PrecedenceRule[];
  quorumDisciplines: Discipline[];
}

/** Rules across fields of a clinic that DTO decorators cannot express. Pure. */
export function clinicRuleErrors(input: ClinicRulesInput): FieldError[] {
  const errors: FieldError[] = [];
  if (minutesOfDay(input.dayStart) >= minutesOfDay(input.dayEnd)) {
    errors.push({ field: 'dayEnd', messages: ['dayEnd must be later than dayStart'] });
  }
  const required = input.requiredDisciplines.map((r) => r.discipline);
  const seen = new Set<Discipline>();
  input.requiredDisciplines.forEach((r, i) => {
    if (seen.has(r.discipline)) {
      errors.push({ field: `requiredDisciplines[${i}].discipline`, messages: [`${r.discipline} is listed twice`] });
    }
    seen.add(r.discipline);
  });
  input.precedence.forEach((rule, i) => {
    for (const side of ['before', 'after'] as const) {
      if (!required.includes(rule[side])) {
        errors.push({
          field: `precedence[${i}].${side}`,
          messages: [`precedence[${i}].${side} must be one of the clinic's required disciplines`],
        });
      }
    }
    if (rule.before === rule.after) {
      errors.push({ field: `precedence[${i}]`, messages: ['a discipline cannot precede itself'] });
    }
  });
  if (errors.length === 0 && hasCycle(input.precedence)) {
    errors.push({ field: 'precedence', messages: ['precedence rules must not form a cycle'] });
  }
  return errors;
}

function hasCycle(rules: PrecedenceRule[]): boolean {
  const next = new Map<Discipline, Discipline[]>();
  for (const r of rules) next.set(r.before, [...(next.get(r.before) ?? []), r.after]);
  const state = new Map<Discipline, 'visiting' | 'done'>();
  const visit = (d: Discipline): boolean => {
    const s = state.get(d);
    if (s === 'visiting') return true;
    if (s === 'done') return false;
    state.set(d, 'visiting');
    const cyclic = (next.get(d) ?? []).some(visit);
    state.set(d, 'done');
    return cyclic;
  };
  return [...next.keys()].some(visit);
}
