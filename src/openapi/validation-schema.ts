import type { SchemaObject } from '@nestjs/swagger';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_UNIQUE,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_DATE_STRING,
  IS_EMAIL,
  IS_EMPTY,
  IS_IN,
  IS_INT,
  IS_NUMBER,
  IS_OBJECT,
  IS_OPTIONAL,
  IS_STRING,
  IS_URL,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  ValidationTypes,
} from 'class-validator';
import { ISO_DATE, LINE_BREAKING } from '../common/transforms.js';

/*
 * What the global ValidationPipe enforces, as JSON Schema: read from
 * class-validator's own metadata (the approach of class-validator-jsonschema,
 * which is not a dependency here), so the document and the server cannot
 * drift. A validator without a mapping below stops the document from being
 * built: adding one to a DTO means saying here what it accepts.
 */

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's own type for targets
type Target = Function;

/** The part of class-validator's ValidationMetadata read here (the class is not exported by the package). */
interface ValidationMetadata {
  type: string;
  name?: string;
  target: Target | string;
  propertyName: string;
  constraints: unknown[];
  each?: boolean;
}

/** Every C0 control but tab, line feed and carriage return, DEL and the C1 controls: refused in all text (validation.ts). */
export const CONTROL_FREE = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';
/** SingleLine (transforms.ts): no control character at all, and no line or paragraph separator. */
export const SINGLE_LINE = `^[^${LINE_BREAKING.source.slice(1, -1)}]*$`;
/** validator.js `isUUID(…, 'all')`, as class-validator's IsUUID() and Nest's ParseUUIDPipe test it. */
export const UUID_PATTERN =
  '^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|[fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12})$';
/** The form IsRealDateTime takes (transforms.ts); whether the day exists is checked too. */
const DATE_TIME_FORM =
  '^\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?)?$';
/** IANA zone names (Europe/London, America/Argentina/Buenos_Aires, Etc/GMT+5, UTC); the runtime's list decides. */
const TIME_ZONE_FORM = '^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$';

/** What one property of a DTO accepts. */
export interface PropertyRules {
  /** Keywords for the value itself (or, for a list, the list). */
  schema: SchemaObject;
  /** Keywords for each item of a list (`{ each: true }` validators). */
  items: SchemaObject;
  patterns: string[];
  itemPatterns: string[];
  descriptions: string[];
  required: boolean;
  nullable: boolean;
  /** Other properties' enum values that make this one required (from a ValidateIf on them). */
  requiredWhen: Record<string, string[]>;
}

/** What a DTO class accepts. */
export interface ClassRules {
  target: Target;
  properties: Map<string, PropertyRules>;
}

function caseless(source: string): string {
  // Only what this code base's `i` patterns use: letters and letter ranges, inside or outside a class.
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    const range = /^([a-zA-Z])-([a-zA-Z])/.exec(source.slice(i));
    if (inClass && range !== null) {
      const [whole, from, to] = range;
      out += `${from.toLowerCase()}-${to.toLowerCase()}${from.toUpperCase()}-${to.toUpperCase()}`;
      i += whole.length - 1;
    } else if (/[a-zA-Z]/.test(c)) {
      out += inClass ? `${c.toLowerCase()}${c.toUpperCase()}` : `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else out += c;
  }
  return out;
}

/** A JS RegExp as an ECMA-262 `pattern` (no flags there: `i` is spelled out, `u` is how ajv reads every pattern). */
export function patternOf(regex: RegExp): string {
  const flags = regex.flags.replace(/[ug]/g, '');
  if (flags === 'i') return caseless(regex.source);
  if (flags !== '')
    throw new Error(`OpenAPI: cannot express the regular expression flags "${flags}" of /${regex.source}/`);
  return regex.source;
}

/**
 * Whether a pattern already refuses every control character: it has no
 * construct that could match one (a dot, a negated class or escape, \s).
 */
function refusesControls(pattern: string): boolean {
  return !/(^|[^\\])\.|\[\^|\\[SWDsP]/.test(pattern);
}

/** One pattern that holds when all of them match (each is a search, as JSON Schema reads `pattern`). */
export function allPatterns(patterns: string[]): string | undefined {
  const unique = [...new Set(patterns)];
  if (unique.length <= 1) return unique[0];
  return `^${unique.map((p) => `(?=[\\s\\S]*?(?:${p}))`).join('')}`;
}

const newRules = (): PropertyRules => ({
  schema: {},
  items: {},
  patterns: [],
  itemPatterns: [],
  descriptions: [],
  required: true,
  nullable: false,
  requiredWhen: {},
});

type Condition = (object: Record<string, unknown>, value: unknown) => boolean;

function probe(condition: Condition, object: Record<string, unknown>, value: unknown): boolean {
  try {
    return condition(object, value);
  } catch {
    return true; // a condition that cannot read a bare object validates: the property counts as checked
  }
}

/** The schema keywords of one validator (on the value, or on each item with `each`). */
function convert(
  meta: ValidationMetadata,
  all: ValidationMetadata[],
): { schema: SchemaObject; pattern?: string; description?: string } {
  const c = meta.constraints;
  const isoDateToo = all.some(
    (m) =>
      m.propertyName === meta.propertyName &&
      m.name === MATCHES &&
      m.constraints[0] instanceof RegExp &&
      m.constraints[0].source === ISO_DATE.source,
  );
  switch (meta.name ?? meta.type) {
    case IS_STRING:
      return { schema: { type: 'string' } };
    case IS_INT:
      return { schema: { type: 'integer' } };
    case IS_NUMBER:
      return { schema: { type: 'number' } };
    case IS_BOOLEAN:
      return { schema: { type: 'boolean' } };
    case IS_ARRAY:
      return { schema: { type: 'array' } };
    case IS_OBJECT:
      return { schema: { type: 'object' } };
    case IS_IN:
      return { schema: { enum: [...(c[0] as unknown[])] } };
    case MATCHES:
      return {
        schema: { type: 'string' },
        pattern: patternOf(
          c[0] instanceof RegExp ? c[0] : new RegExp(c[0] as string, (c[1] as string | undefined) ?? ''),
        ),
      };
    case MAX_LENGTH:
      return { schema: { type: 'string', maxLength: c[0] as number } };
    case MIN_LENGTH:
      return { schema: { type: 'string', minLength: c[0] as number } };
    case MIN:
      return { schema: { minimum: c[0] as number } };
    case MAX:
      return { schema: { maximum: c[0] as number } };
    case ARRAY_MIN_SIZE:
      return { schema: { type: 'array', minItems: c[0] as number } };
    case ARRAY_MAX_SIZE:
      return { schema: { type: 'array', maxItems: c[0] as number } };
    case ARRAY_UNIQUE:
      return { schema: { type: 'array', uniqueItems: true } };
    case IS_UUID:
      if (c[0] !== undefined && c[0] !== 'all')
        throw new Error(`OpenAPI: IsUUID version ${JSON.stringify(c[0])} has no mapping`);
      return { schema: { type: 'string', format: 'uuid' }, pattern: UUID_PATTERN };
    case IS_EMAIL:
      return { schema: { type: 'string', format: 'email' } };
    case IS_URL: {
      const protocols = ((c[0] as { protocols?: string[] } | undefined)?.protocols ?? ['http', 'https', 'ftp']).join(
        '|',
      );
      return {
        schema: { type: 'string', format: 'uri' },
        pattern: `^(?:${protocols})://`,
        description: `an absolute ${protocols.replace(/\|/g, ' or ')} URL`,
      };
    }
    case IS_DATE_STRING:
      // With a YYYY-MM-DD pattern beside it, a calendar date; else an ISO 8601 date and time.
      return isoDateToo
        ? { schema: { type: 'string', format: 'date' } }
        : {
            schema: { type: 'string', format: 'date-time' },
            description: 'ISO 8601 date and time, e.g. 2026-12-03T19:00:00Z',
          };
    case 'isRealDate':
      return { schema: { type: 'string', format: 'date' } };
    case 'isRealDateTime':
      return {
        schema: { type: 'string' },
        pattern: DATE_TIME_FORM,
        description: 'a real date (YYYY-MM-DD) or date and time in ISO 8601, offset -12:00 to +14:00',
      };
    case 'isPastDate': {
      const notBefore = c[0] as string | undefined;
      return {
        schema: { type: 'string', format: 'date' },
        description: `not in the future${notBefore === undefined ? '' : ` and not before ${notBefore}`}`,
      };
    }
    case 'singleLine':
      return {
        schema: { type: 'string' },
        pattern: SINGLE_LINE,
        description: 'a single line: no line breaks, tabs or other control characters',
      };
    case 'isIanaTimeZone':
      return {
        schema: { type: 'string' },
        pattern: TIME_ZONE_FORM,
        description: 'an IANA time zone the server knows, e.g. America/Denver',
      };
    case IS_EMPTY:
      return { schema: { nullable: true, maxLength: 0 } };
    default:
      throw new Error(
        `OpenAPI: the validator ${meta.name ?? meta.type} on ${(meta.target as Target).name}.${meta.propertyName} has no JSON Schema mapping (src/openapi/validation-schema.ts)`,
      );
  }
}

function merge(into: SchemaObject, from: SchemaObject): void {
  for (const [key, value] of Object.entries(from)) {
    const current = (into as Record<string, unknown>)[key];
    if (key === 'minimum' || key === 'minLength' || key === 'minItems')
      (into as Record<string, unknown>)[key] =
        current === undefined ? value : Math.max(current as number, value as number);
    else if (key === 'maximum' || key === 'maxLength' || key === 'maxItems')
      (into as Record<string, unknown>)[key] =
        current === undefined ? value : Math.min(current as number, value as number);
    else (into as Record<string, unknown>)[key] = value;
  }
}

/** The rules of one DTO class (its own and inherited validators), by property. */
export function classRules(target: Target): ClassRules {
  const metas = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false);
  const properties = new Map<string, PropertyRules>();
  const rulesOf = (name: string): PropertyRules => {
    let rules = properties.get(name);
    if (rules === undefined) properties.set(name, (rules = newRules()));
    return rules;
  };
  const enums = new Map<string, unknown[]>();
  for (const m of metas)
    if (m.name === IS_IN && m.each !== true) enums.set(m.propertyName, m.constraints[0] as unknown[]);

  for (const meta of metas) {
    const rules = rulesOf(meta.propertyName);
    switch (meta.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: {
        const condition = meta.constraints[0] as Condition;
        // IsOptional skips null too; a ValidateIf is probed: what it does with a missing value and with null.
        if (!probe(condition, {}, undefined)) rules.required = false;
        if (meta.name === IS_OPTIONAL || !probe(condition, { [meta.propertyName]: null }, null)) rules.nullable = true;
        if (meta.name !== 'isOptional') {
          for (const [other, values] of enums) {
            if (other === meta.propertyName) continue;
            const when = values.filter((v) => typeof v === 'string' && probe(condition, { [other]: v }, undefined));
            if (when.length > 0 && when.length < values.length) rules.requiredWhen[other] = when as string[];
          }
        }
        continue;
      }
      case ValidationTypes.NESTED_VALIDATION:
      case ValidationTypes.WHITELIST:
      case ValidationTypes.IS_DEFINED:
        continue;
      default:
        break;
    }
    const { schema, pattern, description } = convert(meta, metas);
    if (meta.each === true) {
      merge(rules.items, schema);
      if (pattern !== undefined) rules.itemPatterns.push(pattern);
    } else {
      merge(rules.schema, schema);
      if (pattern !== undefined) rules.patterns.push(pattern);
    }
    if (description !== undefined) rules.descriptions.push(description);
  }
  return { target, properties };
}

/** Every class with validators, by name (the name @nestjs/swagger gives its schema). */
export function validatedClasses(): Map<string, Target> {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<Target | string, ValidationMetadata[]>;
  };
  const byName = new Map<string, Target>();
  const ambiguous = new Set<string>();
  for (const target of storage.validationMetadatas.keys()) {
    if (typeof target !== 'function') continue;
    const existing = byName.get(target.name);
    if (existing !== undefined && existing !== target) ambiguous.add(target.name);
    byName.set(target.name, target);
  }
  for (const name of ambiguous) byName.delete(name);
  return byName;
}

/** The control-character rule of the global pipe, for a string that has no pattern that already implies it. */
function withControlRule(patterns: string[], isString: boolean): string[] {
  if (!isString) return patterns;
  if (patterns.some((p) => p === SINGLE_LINE || refusesControls(p))) return patterns;
  return [...patterns, CONTROL_FREE];
}

/**
 * Applies a property's rules to the schema @nestjs/swagger generated for it
 * (which holds its type, $ref, description and example).
 */
export function applyPropertyRules(property: SchemaObject, rules: PropertyRules): SchemaObject {
  const out: SchemaObject = { ...property };
  if ('$ref' in out || out.allOf !== undefined) return out; // a nested DTO: its own schema carries its rules
  merge(out, rules.schema);
  if (out.type === 'array') {
    const items: SchemaObject = { ...((out.items as SchemaObject | undefined) ?? {}) };
    if (!('$ref' in items)) {
      merge(items, rules.items);
      const itemPatterns = withControlRule(rules.itemPatterns, items.type === 'string');
      const p = allPatterns(itemPatterns);
      if (p !== undefined) items.pattern = p;
      if (items.enum !== undefined) delete items.pattern;
    }
    out.items = items;
  }
  const patterns = withControlRule(rules.patterns, out.type === 'string');
  const pattern = allPatterns(patterns);
  if (pattern !== undefined && out.enum === undefined) out.pattern = pattern;
  // Null only where the DTO says so and the validators let it through (an IsOptional field takes null too,
  // by accident of class-validator; the document does not invite it).
  if (rules.nullable && property.nullable === true) {
    out.nullable = true;
    const values = out.enum as unknown[] | undefined;
    if (values !== undefined && !values.includes(null)) out.enum = [...values, null];
  } else delete out.nullable;
  const extra = rules.descriptions.filter((d) => !(out.description ?? '').includes(d));
  if (extra.length > 0)
    out.description = [out.description, ...extra].filter((d) => d !== undefined && d !== '').join('; ');
  return out;
}
