import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  Bundle,
  BundleEntry,
  Condition,
  MedicationRequest,
  Observation,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { ensureMcodePackage, loadMcodePackage, MCODE_INTEGRITY } from './utils/mcode-package.js';
import {
  errorsOf,
  MCODE_BASE,
  skippedValueSets,
  unresolvableRequiredValueSets,
  validateBaseR4,
  validateMcodeBundle,
  type Issue,
} from './utils/mcode-validator.js';

const SCT = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const ICDO3 = 'http://terminology.hl7.org/CodeSystem/icd-o-3';
const profile = (name: string): { profile: string[] } => ({ profile: [`${MCODE_BASE}${name}`] });

const PATIENT = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e01';
const CONDITION = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e02';
const STAGE = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e03';
const MEDICATION = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e04';
const ECOG = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e05';
const MARKER = 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7e06';

const P = 'Bundle.entry[0].resource.Patient';
const C = 'Bundle.entry[1].resource.Condition';
const S = 'Bundle.entry[2].resource.Observation';
const M = 'Bundle.entry[3].resource.MedicationRequest';

/** A small mCODE patient bundle, written against the 4.0.0 snapshots. */
function aBundle(): Bundle {
  const patient: Patient = {
    resourceType: 'Patient',
    meta: profile('mcode-cancer-patient'),
    identifier: [{ system: 'https://consilium.example/mrn', value: 'MRN-0001' }],
    name: [{ family: 'Doe', given: ['Jane'] }],
    gender: 'female',
    birthDate: '1970-04-02',
  };
  const condition: Condition = {
    resourceType: 'Condition',
    meta: profile('mcode-primary-cancer-condition'),
    extension: [
      {
        url: `${MCODE_BASE}mcode-histology-morphology-behavior`,
        valueCodeableConcept: {
          coding: [{ system: ICDO3, code: '8500/3', display: 'Infiltrating duct carcinoma, NOS' }],
        },
      },
    ],
    // con-3 (warning): problem-list items carry a clinicalStatus.
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] },
    ],
    code: { coding: [{ system: SCT, code: '254837009', display: 'Malignant neoplasm of breast' }] },
    bodySite: [
      {
        extension: [
          {
            url: `${MCODE_BASE}mcode-laterality-qualifier`,
            valueCodeableConcept: { coding: [{ system: SCT, code: '7771000', display: 'Left (qualifier value)' }] },
          },
        ],
        coding: [{ system: ICDO3, code: 'C50.4', display: 'Upper-outer quadrant of breast' }],
      },
    ],
    subject: { reference: PATIENT },
    recordedDate: '2024-03-01',
  };
  const stageGroup: Observation = {
    resourceType: 'Observation',
    meta: profile('mcode-tnm-stage-group'),
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: LOINC, code: '21908-9', display: 'Stage group.clinical Cancer' }] },
    subject: { reference: PATIENT },
    focus: [{ reference: CONDITION }],
    effectiveDateTime: '2024-03-05',
    valueCodeableConcept: { coding: [{ system: 'http://cancerstaging.org', code: 'IIA' }] },
    method: {
      coding: [{ system: SCT, code: '897275008', display: 'AJCC Cancer Staging Manual, 8th edition' }],
    },
  };
  const medication: MedicationRequest = {
    resourceType: 'MedicationRequest',
    meta: profile('mcode-cancer-related-medication-request'),
    status: 'active',
    intent: 'plan', // not an order intent, so us-core-21 does not ask for a requester
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '84857', display: 'anastrozole' }],
    },
    subject: { reference: PATIENT },
    authoredOn: '2024-03-10',
    reasonReference: [{ reference: CONDITION }],
  };
  const ecog: Observation = {
    resourceType: 'Observation',
    meta: profile('mcode-ecog-performance-status'),
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: LOINC, code: '89247-1' }] },
    subject: { reference: PATIENT },
    effectiveDateTime: '2024-03-02',
    valueInteger: 1,
  };
  const marker: Observation = {
    resourceType: 'Observation',
    meta: profile('mcode-tumor-marker-test'),
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: LOINC, code: '16112-5', display: 'Estrogen receptor [Interpretation] in Tissue' }] },
    subject: { reference: PATIENT },
    effectiveDateTime: '2024-02-27',
    valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA6576-8', display: 'Positive' }] },
  };
  const entries: [string, Resource][] = [
    [PATIENT, patient],
    [CONDITION, condition],
    [STAGE, stageGroup],
    [MEDICATION, medication],
    [ECOG, ecog],
    [MARKER, marker],
  ];
  return {
    resourceType: 'Bundle',
    meta: profile('mcode-patient-bundle'),
    type: 'collection',
    timestamp: '2024-03-11T09:00:00Z',
    entry: entries.map(([fullUrl, resource]): BundleEntry => ({ fullUrl, resource })),
  };
}

/** A copy of the bundle with one entry's resource changed. */
function withEntry<T extends Resource>(index: number, change: (resource: T) => void): Bundle {
  const bundle = aBundle();
  change(bundle.entry![index].resource as T);
  return bundle;
}

const show = (issues: Issue[]): string => issues.map((i) => `${i.severity} ${i.expression}: ${i.message}`).join('\n');

/** Errors at exactly this expression, with the rest of the issues in the failure message. */
async function errorsAt(
  bundle: Bundle,
  expression: string,
  options?: Parameters<typeof validateMcodeBundle>[1],
): Promise<Issue[]> {
  const issues = await validateMcodeBundle(bundle, options);
  const found = errorsOf(issues).filter((i) => i.expression === expression);
  if (found.length === 0) throw new Error(`no error at ${expression}; got:\n${show(issues)}`);
  return found;
}

describe('mCODE 4.0.0 package', () => {
  it('should load the StructureDefinitions and ValueSets by canonical URL from the verified cache', async () => {
    const pkg = await loadMcodePackage();
    expect(pkg.structureDefinitions.get(`${MCODE_BASE}mcode-cancer-patient`)?.snapshot?.element.length).toBeGreaterThan(
      10,
    );
    expect(pkg.structureDefinitions.size).toBe(53);
    expect(
      pkg.valueSets.get('http://hl7.org/fhir/us/mcode/ValueSet/mcode-laterality-qualifier-vs')?.compose,
    ).toBeDefined();
    expect(pkg.dir).toContain(path.join('node_modules', '.cache', 'hl7.fhir.us.mcode-4.0.0'));
  });

  it('should refuse a tarball whose integrity does not match the pinned hash', async () => {
    const server = createServer((_req, res) => res.end('not the mCODE package'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const cacheDir = path.join(await mkdtemp(path.join(tmpdir(), 'mcode-cache-')), 'pkg');
    try {
      const { port } = server.address() as AddressInfo;
      await expect(ensureMcodePackage({ cacheDir, registry: `http://127.0.0.1:${port}` })).rejects.toThrow(
        `does not match the pinned ${MCODE_INTEGRITY}`,
      );
    } finally {
      server.close();
      await rm(path.dirname(cacheDir), { recursive: true, force: true });
    }
  });
});

describe(validateMcodeBundle.name, () => {
  beforeAll(async () => {
    await validateMcodeBundle(aBundle()); // loads the package and definitions once (a few seconds)
  }, 60_000);

  it('should report no errors (and no warnings) for the hand-written mCODE bundle, from either validator', async () => {
    const issues = await validateMcodeBundle(aBundle());
    expect(show(issues)).toBe('');
    expect(show(errorsOf(validateBaseR4(aBundle())))).toBe('');
  });

  it('should report a Condition without category', async () => {
    const bundle = withEntry<Condition>(1, (c) => delete c.category);
    expect(await errorsAt(bundle, `${C}.category`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Missing required property') }),
    ]);
  });

  it('should report a laterality code outside its required value set', async () => {
    const bundle = withEntry<Condition>(1, (c) => {
      c.bodySite![0].extension![0].valueCodeableConcept = { coding: [{ system: SCT, code: '999' }] };
    });
    const [error] = await errorsAt(bundle, `${C}.bodySite[0].extension[0].valueCodeableConcept`);
    expect(error.message).toContain('mcode-laterality-qualifier-vs');
  });

  it('should report a TNM stage group without method', async () => {
    const bundle = withEntry<Observation>(2, (o) => delete o.method);
    expect(await errorsAt(bundle, `${S}.method`)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('mcode-tnm-stage-group') }),
    ]);
  });

  it('should report a histology extension with valueString', async () => {
    const bundle = withEntry<Condition>(1, (c) => {
      c.extension = [{ url: `${MCODE_BASE}mcode-histology-morphology-behavior`, valueString: '8500/3' }];
    });
    const [error] = await errorsAt(bundle, `${C}.extension[0].valueString`);
    expect(error.message).toMatch(/Type string not allowed.*CodeableConcept/);
  });

  it('should report an mCODE extension used outside its context', async () => {
    // histology-morphology-behavior is defined for Condition only (laterality also allows DomainResource).
    const bundle = withEntry<Observation>(4, (o) => {
      o.extension = [
        {
          url: `${MCODE_BASE}mcode-histology-morphology-behavior`,
          valueCodeableConcept: { coding: [{ system: ICDO3, code: '8500/3' }] },
        },
      ];
    });
    const [error] = await errorsAt(bundle, 'Bundle.entry[4].resource.Observation.extension[0]');
    expect(error.message).toContain('not allowed on Observation');
  });

  it('should warn about a MedicationRequest without reasonCode/reasonReference, and fail it when strict', async () => {
    const bundle = withEntry<MedicationRequest>(3, (m) => delete m.reasonReference);
    const issues = await validateMcodeBundle(bundle);
    // mcode-reason-required is a warning-level invariant in mCODE 4.0.0.
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        expression: M,
        message: expect.stringContaining('mcode-reason-required'),
      }),
    ]);
    const [error] = await errorsAt(bundle, M, { strict: true });
    expect(error.message).toContain('mcode-reason-required');
  });

  it('should report a Bundle without a CancerPatient', async () => {
    const bundle = aBundle();
    bundle.entry = bundle.entry!.slice(1);
    const [error] = await errorsAt(bundle, 'Bundle.entry');
    expect(error.message).toContain("Slice 'cancerPatient'");
    expect(error.message).toContain('expected 1..1, found 0');
  });

  it('should report a patient entry that does not claim mcode-cancer-patient', async () => {
    const bundle = withEntry<Patient>(0, (p) => delete p.meta);
    const [error] = await errorsAt(bundle, 'Bundle.entry[0].resource');
    expect(error.message).toContain('must claim mcode-cancer-patient');
  });

  it('should report a urn:uuid reference that is not in the Bundle', async () => {
    const bundle = withEntry<MedicationRequest>(3, (m) => {
      m.reasonReference = [{ reference: 'urn:uuid:0b8e4d2a-1c7f-4a3e-9d51-6f2a8c4b7eff' }];
    });
    const [error] = await errorsAt(bundle, `${M}.reasonReference[0]`);
    expect(error.message).toContain('does not resolve');
  });

  it('should report a reference whose target does not claim the profile the element requires', async () => {
    const bundle = withEntry<Observation>(2, (o) => (o.focus = [{ reference: PATIENT }]));
    const [error] = await errorsAt(bundle, `${S}.focus[0]`);
    expect(error.message).toContain('must be one of mcode-primary-cancer-condition');
  });

  it('should report a stage group hasMember that is not a TNM category observation', async () => {
    const bundle = withEntry<Observation>(2, (o) => (o.hasMember = [{ reference: ECOG }]));
    const [error] = await errorsAt(bundle, `${S}.hasMember[0]`);
    expect(error.message).toContain('mcode-tnm-primary-tumor-category');
  });

  it('should report a stage group code outside the maximum value set', async () => {
    const bundle = withEntry<Observation>(2, (o) => (o.code = { coding: [{ system: LOINC, code: '12345-6' }] }));
    const [error] = await errorsAt(bundle, `${S}.code`);
    expect(error.message).toContain(
      'maximum value set http://hl7.org/fhir/us/mcode/ValueSet/mcode-tnm-stage-group-staging-type-max-vs',
    );
  });

  it('should report a value type the profile does not allow', async () => {
    const bundle = withEntry<Observation>(4, (o) => {
      delete o.valueInteger;
      o.valueString = 'restricted';
    });
    await errorsAt(bundle, 'Bundle.entry[4].resource.Observation.valueString');
  });

  it('should report a claimed profile it cannot validate', async () => {
    const bundle = withEntry<Patient>(0, (p) =>
      p.meta!.profile!.push('http://example.org/StructureDefinition/unknown'),
    );
    const [error] = await errorsAt(bundle, `${P}.meta.profile[1]`);
    expect(error.message).toBe('profile not available: http://example.org/StructureDefinition/unknown');
  });

  it('should report a Patient gender outside administrative-gender, as does the base-R4 validator', async () => {
    const bundle = withEntry<Patient>(0, (p) => ((p as { gender: string }).gender = 'femalex'));
    await errorsAt(bundle, `${P}.gender`);
    expect(errorsOf(validateBaseR4(bundle))).toEqual([expect.objectContaining({ expression: `${P}.gender` })]);
  });

  it('should find only known problems in the IG’s own example patient bundle', async () => {
    const pkg = await loadMcodePackage();
    const example = JSON.parse(
      readFileSync(path.join(pkg.dir, 'example', 'Bundle-mcode-patient-bundle-jenny-m.json'), 'utf8'),
    ) as Bundle;
    const unexpected = errorsOf(await validateMcodeBundle(example)).filter(
      (i) =>
        // It claims US Core profiles on non-mCODE resources, which we have no definitions for...
        !i.message.startsWith('profile not available: http://hl7.org/fhir/us/core/') &&
        // ...and its clinical stage group points at the pathologic T/N/M observations, which it does not include.
        !(
          i.expression.startsWith('Bundle.entry[12].resource.Observation.hasMember[') &&
          i.message.startsWith('hasMember must reference')
        ),
    );
    expect(show(unexpected)).toBe('');
    expect(errorsOf(validateBaseR4(example))).toEqual([]);
  });

  it('should list the required-binding value sets it could not check', async () => {
    const statically = await unresolvableRequiredValueSets();
    const seen = skippedValueSets();
    // eslint-disable-next-line no-console -- printed once on purpose: what the README can honestly say is unchecked
    console.log(
      [
        'Required / maxValueSet bindings NOT checked (value set in no available package):',
        ...statically.map((s) => `  ${s.valueSet}  <- ${s.usedBy.join(', ')}`),
        'Of which met while validating in this spec:',
        ...seen.map((s) => `  ${s.valueSet}`),
      ].join('\n'),
    );
    expect(statically.map((s) => s.valueSet)).toEqual(
      expect.arrayContaining([
        'http://hl7.org/fhir/us/core/ValueSet/us-core-problem-or-health-concern',
        'http://loinc.org/vs/LL529-9',
      ]),
    );
    // Nothing from mCODE itself or base R4 is skipped.
    expect(
      statically.filter(
        (s) =>
          s.valueSet.startsWith('http://hl7.org/fhir/us/mcode/') ||
          s.valueSet.startsWith('http://hl7.org/fhir/ValueSet/'),
      ),
    ).toEqual([]);
    expect(seen.every((s) => statically.some((x) => x.valueSet === s.valueSet))).toBe(true);
  });
});
