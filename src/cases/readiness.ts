import type { RecordType } from '../common/clinical-codes.js';

export type ReadinessStatus = 'current' | 'stale' | 'missing';

export interface ReadinessItem {
  item: RecordType;
  status: ReadinessStatus;
  reason: string;
  maxAgeDays?: number;
  waived?: { reason: string; by: string; at: string };
}

export interface ReadinessInput {
  requiredRecordTypes: RecordType[];
  rules: { recordType: RecordType; maxAgeDays: number }[];
  /** Records in force (not superseded): type and date (document date, else received). */
  records: { type: RecordType; date: string }[];
  waivers: { item: RecordType; reason: string; by: string; at: string }[];
  /** The clinic's today, YYYY-MM-DD. */
  today: string;
}

const DAY = 86_400_000;
const days = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/**
 * Each required record type and each readiness rule, judged: `missing` (no
 * record), `stale` (newest older than the rule allows) or `current`. Pure.
 */
export function assessReadiness(input: ReadinessInput): ReadinessItem[] {
  const newest = new Map<RecordType, string>();
  for (const r of input.records) {
    const seen = newest.get(r.type);
    if (seen === undefined || r.date > seen) newest.set(r.type, r.date);
  }
  const items = new Map<RecordType, ReadinessItem>();
  for (const type of input.requiredRecordTypes) {
    const date = newest.get(type);
    items.set(
      type,
      date === undefined
        ? { item: type, status: 'missing', reason: `no ${type} record` }
        : { item: type, status: 'current', reason: `${type} dated ${date}` },
    );
  }
  for (const rule of input.rules) {
    const date = newest.get(rule.recordType);
    const required = items.has(rule.recordType);
    let item: ReadinessItem;
    if (date === undefined) {
      item = {
        item: rule.recordType,
        status: 'missing',
        reason: `no ${rule.recordType} record (needed within ${rule.maxAgeDays} days)`,
        maxAgeDays: rule.maxAgeDays,
      };
    } else {
      const age = days(date, input.today);
      item =
        age > rule.maxAgeDays
          ? {
              item: rule.recordType,
              status: 'stale',
              reason: `newest ${rule.recordType} is ${age} days old; at most ${rule.maxAgeDays} allowed`,
              maxAgeDays: rule.maxAgeDays,
            }
          : {
              item: rule.recordType,
              status: 'current',
              reason: `${rule.recordType} is ${age} days old (limit ${rule.maxAgeDays})`,
              maxAgeDays: rule.maxAgeDays,
            };
    }
    // The stricter judgement wins when a type is both required and age-limited.
    if (!required || item.status !== 'current') items.set(rule.recordType, item);
  }
  for (const w of input.waivers) {
    const item = items.get(w.item);
    if (item !== undefined && item.status !== 'current') item.waived = { reason: w.reason, by: w.by, at: w.at };
  }
  return [...items.values()];
}

/** Items that block `ready`: not current and not waived. */
export function readinessGaps(items: ReadinessItem[]): ReadinessItem[] {
  return items.filter((i) => i.status !== 'current' && i.waived === undefined);
}
