/**
 * Request bodies made from an OpenAPI 3.0 schema: a valid minimal one
 * (required fields only) and a full one (every field), and invalid ones
 * that each break one constraint of one field. Every sample is checked
 * with ajv against the schema it came from; a sample the generator cannot
 * make valid (or invalid) is reported, not sent.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';

type Json = Record<string, unknown>;
type Schema = Json;

export interface Mutation {
  /** `patient.birthDate: too long` */
  what: string;
  body: unknown;
}

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** An ajv for OpenAPI 3.0 schemas (nullable, example), with the document's components for $ref. */
export function schemaValidator(components: Json): { validate(schema: Schema, value: unknown): boolean } {
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components }, 'openapi');
  const cache = new Map<Schema, ValidateFunction>();
  const rewrite = (s: unknown): unknown =>
    Array.isArray(s)
      ? s.map(rewrite)
      : typeof s === 'object' && s !== null
        ? Object.fromEntries(
            Object.entries(s).map(([k, v]) => [
              k,
              k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : rewrite(v),
            ]),
          )
        : s;
  return {
    validate(schema, value) {
      let fn = cache.get(schema);
      if (fn === undefined) cache.set(schema, (fn = ajv.compile(rewrite(schema) as Json)));
      return fn(value) === true;
    },
  };
}

/** Values for fields that name other resources, by field name (clinicId, caseIds…). */
export type IdContext = Record<string, string>;

const clone = <T>(v: T): T => structuredClone(v);

export class SampleGenerator {
  private readonly ajv: ReturnType<typeof schemaValidator>;

  constructor(
    private readonly components: { schemas: Record<string, Schema> },
    private readonly ids: IdContext,
  ) {
    this.ajv = schemaValidator(components);
  }

  valid(schema: Schema, value: unknown): boolean {
    return this.ajv.validate(schema, value);
  }

  /** The schema behind a $ref, or swagger's `allOf: [{ $ref }]` around one. */
  resolve(schema: Schema): Schema {
    const ref =
      schema.$ref ??
      ((schema.allOf as Schema[] | undefined)?.length === 1 ? (schema.allOf as Schema[])[0].$ref : undefined);
    if (typeof ref !== 'string') return schema;
    const found = this.components.schemas[ref.split('/').at(-1) ?? ''];
    if (found === undefined) throw new Error(`no schema ${ref}`);
    return found;
  }

  private string(s: Schema, name: string): string {
    const format = s.format as string | undefined;
    const pattern = s.pattern as string | undefined;
    const candidates: unknown[] = [];
    if (s.example !== undefined) candidates.push(s.example);
    if (format === 'uuid') candidates.push(this.ids[name] ?? '5f0c2a3e-8d1b-4c6a-9e2f-7b3d4c5a6e01');
    if (format === 'date') candidates.push('2024-01-15');
    if (format === 'date-time') candidates.push('2026-12-03T19:00:00Z');
    if (format === 'email') candidates.push('someone@example.org');
    if (format === 'uri') candidates.push('https://example.org/x');
    if (pattern !== undefined)
      candidates.push('08:00', 'C50', 'C50.4', '8500/3', 'NCT01234567', 'America/Denver', 'II', 'x1');
    const min = (s.minLength as number | undefined) ?? 1;
    const max = (s.maxLength as number | undefined) ?? 20;
    candidates.push('Text', 'a'.repeat(Math.min(Math.max(min, 1), max)));
    for (const c of candidates) if (typeof c === 'string' && this.ajv.validate(s, c)) return c;
    if (pattern !== undefined) {
      // Strings made from the pattern itself (fast-check), simplest first.
      try {
        const made = fc.sample(fc.stringMatching(new RegExp(pattern)), { numRuns: 50, seed: 16 });
        const fits = made.filter((c) => this.ajv.validate(s, c)).sort((a, b) => a.length - b.length);
        if (fits[0] !== undefined) return fits[0];
      } catch {
        // a pattern fast-check cannot read: fall through
      }
    }
    throw new Error(`cannot make a valid string for ${name}: ${JSON.stringify(s)}`);
  }

  /** A valid value: `full` fills every field, else only the required ones. */
  sample(input: Schema, full: boolean, name = 'body'): unknown {
    const s = this.resolve(input);
    if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null);
    if (s.example !== undefined && s.type !== 'object' && this.ajv.validate(s, s.example)) return clone(s.example);
    switch (s.type) {
      case 'string':
        return this.string(s, name);
      case 'integer':
      case 'number': {
        const min = s.minimum as number | undefined;
        const max = s.maximum as number | undefined;
        return min ?? (max !== undefined ? Math.min(1, max) : 1);
      }
      case 'boolean':
        return true;
      case 'array': {
        const items = (s.items ?? {}) as Schema;
        const count = Math.max(full ? 1 : 0, (s.minItems as number | undefined) ?? 0);
        const first = this.sample(items, full, name.replace(/s$/, '').replace(/Ids$/, 'Id'));
        const itemsResolved = this.resolve(items);
        const out: unknown[] = [];
        const enumValues = Array.isArray(itemsResolved.enum) ? (itemsResolved.enum as unknown[]) : undefined;
        for (let i = 0; i < count; i++)
          out.push(enumValues?.[i] ?? (i === 0 ? first : this.sample(items, full, `${name}${i}`)));
        return out;
      }
      case 'object':
      case undefined: {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        if (s.type === undefined && Object.keys(props).length === 0) return {};
        const required = new Set((s.required ?? []) as string[]);
        const out: Json = {};
        for (const [key, prop] of Object.entries(props)) {
          if (full || required.has(key)) out[key] = this.sample(prop, full, key);
        }
        // Conditions (a field required when another has some value): satisfy them.
        for (const condition of (s.allOf ?? []) as Schema[]) {
          if (this.ajv.validate(condition, out)) continue;
          for (const branch of (condition.anyOf ?? []) as Schema[]) {
            for (const key of (branch.required ?? []) as string[]) out[key] = this.sample(props[key], full, key);
          }
        }
        if (!this.ajv.validate(s, out)) throw new Error(`cannot make a valid ${name}: ${JSON.stringify(out)}`);
        return out;
      }
      default:
        throw new Error(`no sample for ${name}: ${JSON.stringify(s)}`);
    }
  }

  /** Values that break one constraint of a schema (each one checked to break it). */
  private broken(s: Schema): [string, unknown][] {
    const out: [string, unknown][] = [];
    const type = s.type;
    const wrong: Record<string, unknown> = {
      string: 12345,
      integer: 'x',
      number: 'x',
      boolean: 'yes',
      array: 'x',
      object: 'x',
    };
    if (typeof type === 'string' && type in wrong) out.push(['wrong type', wrong[type]]);
    if (Array.isArray(s.enum)) out.push(['unknown enum value', 'not_a_known_value']);
    if (type === 'string') {
      const ok = Array.isArray(s.enum) ? undefined : this.string(s, '');
      if (typeof s.maxLength === 'number') out.push(['too long', 'a'.repeat(s.maxLength + 1)]);
      if (typeof s.minLength === 'number' && s.minLength > 0) out.push(['too short', '']);
      if (typeof s.pattern === 'string' && ok !== undefined) {
        for (const bad of [`${ok}\u0001`, `${ok}\n`, `#${ok}`, `${ok}#`, '#']) {
          if (
            !this.ajv.validate({ ...s, format: undefined }, bad) &&
            this.ajv.validate({ type: 'string', maxLength: s.maxLength }, bad)
          ) {
            out.push(['pattern broken', bad]);
            break;
          }
        }
      }
      const formats: Record<string, string> = {
        uuid: 'not-a-uuid',
        date: '2026-02-30',
        'date-time': '2026-02-30T10:00:00Z',
        email: 'not-an-email',
        uri: 'not a url',
      };
      if (typeof s.format === 'string' && s.format in formats) out.push(['format broken', formats[s.format]]);
    }
    if (type === 'integer') out.push(['not an integer', 1.5]);
    if (type === 'integer' || type === 'number') {
      if (typeof s.minimum === 'number') out.push(['below minimum', s.minimum - 1]);
      if (typeof s.maximum === 'number') out.push(['above maximum', s.maximum + 1]);
    }
    return out;
  }

  /** Invalid bodies: the full valid body with one constraint of one field broken at a time. */
  mutations(schema: Schema): Mutation[] {
    const base = this.sample(schema, true);
    const out: Mutation[] = [];
    const walk = (s0: Schema, value: unknown, path: string, set: (v: unknown) => unknown): void => {
      const s = this.resolve(s0);
      for (const [what, bad] of this.broken(s)) out.push({ what: `${path || 'body'}: ${what}`, body: set(bad) });
      if (s.type === 'array' && Array.isArray(value)) {
        const items = (s.items ?? {}) as Schema;
        if (typeof s.maxItems === 'number') {
          const extra = Array.from(
            { length: s.maxItems + 1 },
            (_, i): unknown => (value as unknown[])[i % Math.max(value.length, 1)] ?? this.sample(items, true),
          );
          out.push({ what: `${path}: too many items`, body: set(extra) });
        }
        if (typeof s.minItems === 'number' && s.minItems > 0)
          out.push({ what: `${path}: too few items`, body: set([]) });
        if (s.uniqueItems === true && value.length > 0)
          out.push({ what: `${path}: repeated item`, body: set([value[0], value[0]]) });
        if (value.length > 0) walk(items, value[0], `${path}[0]`, (v) => set([v, ...value.slice(1)]));
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const obj = value as Json;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const key of (s.required ?? []) as string[]) {
        const rest = { ...obj };
        delete rest[key];
        out.push({ what: `${path ? `${path}.` : ''}${key}: missing`, body: set(rest) });
      }
      if (s.additionalProperties === false) {
        out.push({ what: `${path || 'body'}: unknown property`, body: set({ ...obj, unexpectedField: 'x' }) });
      }
      for (const condition of (s.allOf ?? []) as Schema[]) {
        const branches = (condition.anyOf ?? []) as Schema[];
        const other = Object.entries((branches[0]?.properties ?? {}) as Record<string, Schema>)[0];
        const needed = (branches[1]?.required ?? []) as string[];
        if (other === undefined || needed.length === 0) continue;
        const [otherKey, notSchema] = other;
        const values = ((notSchema.not as Schema | undefined)?.enum ?? []) as unknown[];
        const rest: Json = { ...obj, [otherKey]: values[0] };
        for (const k of needed) delete rest[k];
        out.push({
          what: `${path ? `${path}.` : ''}${needed.join(', ')}: missing while ${otherKey} is ${String(values[0])}`,
          body: set(rest),
        });
      }
      for (const [key, prop] of Object.entries(props)) {
        if (!(key in obj)) continue;
        walk(prop, obj[key], path ? `${path}.${key}` : key, (v) => set({ ...obj, [key]: v }));
      }
    };
    walk(schema, base, '', (v) => v);
    return out;
  }

  /** The full body with one optional field set to null at a time (null is documented nowhere it is not meant). */
  nulls(schema: Schema): Mutation[] {
    const s = this.resolve(schema);
    const base = this.sample(schema, true) as Json;
    const required = new Set((s.required ?? []) as string[]);
    return Object.keys(base)
      .filter((k) => !required.has(k))
      .map((k) => ({ what: `${k}: null`, body: { ...base, [k]: null } }));
  }
}
