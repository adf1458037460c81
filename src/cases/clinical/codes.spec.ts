import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  icd10cmToIcdo3,
  isHematologicMorphology,
  isIcd10Cm,
  isLymphomaMorphology,
  isMorphology,
  isPairedSite,
  isTopography,
  morphologyName,
  PAIRED_ORGANS,
  parseMorphology,
  siteName,
  topographyName,
  validBehaviours,
} from './codes.js';
import { ICDO3_MORPHOLOGY, ICDO3_MORPHOLOGY_BEHAVIOURS, ICDO3_MORPHOLOGY_TERMS } from './data/icdo3-morphology.js';
import { ICDO3_SITES, ICDO3_TOPOGRAPHY } from './data/icdo3-topography.js';

// Facts below: topography and morphology from ICD-O-3 (WHO 2000) with the
// ICD-O-3.1 (2011) and ICD-O-3.2 (2019) updates; paired organs from the SEER
// Program Coding and Staging Manual laterality table; ICD-10-CM from the
// ICD-10-CM 2025 tabular list (chapter 2, Neoplasms).

describe('ICD-O-3 topography data', () => {
  it('should hold the fixed list of 330 codes in 70 three-character sites', () => {
    // ICD-O-3 Topography, numerical list.
    expect(Object.keys(ICDO3_TOPOGRAPHY)).toHaveLength(330);
    expect(Object.keys(ICDO3_SITES)).toHaveLength(70);
  });

  it('should give every code a site and every site at least one code', () => {
    for (const code of Object.keys(ICDO3_TOPOGRAPHY)) {
      expect(code).toMatch(/^C\d\d\.\d$/);
      expect(ICDO3_SITES[code.slice(0, 3)]).toBeDefined();
    }
    for (const site of Object.keys(ICDO3_SITES))
      expect(Object.keys(ICDO3_TOPOGRAPHY).some((c) => c.startsWith(`${site}.`))).toBe(true);
  });

  it('should have no categories that ICD-O-3 does not use', () => {
    // ICD-O-3 has no C27–C29, C35–C36, C43, C45–C46, C59, C78–C79; C47 (peripheral nerves) exists.
    for (const absent of ['C27', 'C28', 'C29', 'C35', 'C36', 'C43', 'C45', 'C46', 'C59', 'C78', 'C79'])
      expect(ICDO3_SITES[absent]).toBeUndefined();
    expect(ICDO3_SITES.C47).toBe('Peripheral nerves and autonomic nervous system');
    expect(Object.keys(ICDO3_TOPOGRAPHY).filter((c) => c.startsWith('C47.'))).toEqual([
      'C47.0',
      'C47.1',
      'C47.2',
      'C47.3',
      'C47.4',
      'C47.5',
      'C47.6',
      'C47.8',
      'C47.9',
    ]);
    expect(Object.keys(ICDO3_TOPOGRAPHY).filter((c) => c.startsWith('C80.'))).toEqual(['C80.9']);
  });
});

describe(topographyName.name, () => {
  it.each([
    ['C50.4', 'Upper-outer quadrant of breast'],
    ['C50.9', 'Breast, NOS'],
    ['C34.1', 'Upper lobe, lung'],
    ['C18.7', 'Sigmoid colon'],
    ['C25.0', 'Head of pancreas'],
    ['C61.9', 'Prostate gland'],
    ['C44.5', 'Skin of trunk'],
    ['C47.1', 'Peripheral nerves and autonomic nervous system of upper limb and shoulder'],
    ['C42.1', 'Bone marrow'],
    ['C77.3', 'Lymph nodes of axilla or arm'],
    ['C80.9', 'Unknown primary site'],
    ['C00.0', 'External upper lip'],
  ])('should name %s "%s"', (code, name) => {
    expect(topographyName(code)).toBe(name);
    expect(isTopography(code)).toBe(true);
  });

  it.each([
    'C50.7',
    'C43.5',
    'C78.0',
    'C79.9',
    'C80.0',
    'C81.0',
    'C45.0',
    'C46.1',
    'C14.1',
    'C34.4',
    'C61',
    'C50',
    'c50.4',
    'C504',
    ' C50.4',
    'constructor',
    '',
  ])('should refuse %p', (code) => {
    expect(topographyName(code)).toBeUndefined();
    expect(isTopography(code)).toBe(false);
  });

  it('should refuse any three-digit code that is not on the list', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), (n) => {
        const code = `C${String(Math.floor(n / 10)).padStart(2, '0')}.${n % 10}`;
        expect(isTopography(code)).toBe(Object.hasOwn(ICDO3_TOPOGRAPHY, code));
      }),
    );
  });
});

describe(siteName.name, () => {
  it('should give the three-character site of a code', () => {
    expect(siteName('C50.4')).toBe('Breast');
    expect(siteName('C50')).toBe('Breast');
    expect(siteName('C61.9')).toBe('Prostate gland');
    expect(siteName('C50.7')).toBeUndefined();
    expect(siteName('C43')).toBeUndefined();
  });
});

describe('ICD-O-3 morphology data', () => {
  it('should hold at least 800 histologies, each with a 4-digit code and a name', () => {
    const codes = Object.keys(ICDO3_MORPHOLOGY);
    expect(codes.length).toBeGreaterThanOrEqual(800);
    for (const c of codes) {
      expect(c).toMatch(/^[89]\d{3}$/);
      expect(ICDO3_MORPHOLOGY[c].length).toBeGreaterThan(2);
    }
    expect(ICDO3_MORPHOLOGY['0000']).toBeUndefined();
  });

  it('should list behaviours only for known histologies, sorted, from 0, 1, 2, 3, 6, 9', () => {
    for (const [h, bs] of Object.entries(ICDO3_MORPHOLOGY_BEHAVIOURS)) {
      expect(ICDO3_MORPHOLOGY[h]).toBeDefined();
      expect(bs.length).toBeGreaterThan(0);
      expect([...bs].sort()).toEqual(bs);
      for (const b of bs) expect([0, 1, 2, 3, 6, 9]).toContain(b);
      expect(bs).not.toEqual([3]); // /3 alone is the default and is not listed
    }
  });

  it('should name behaviour terms only for behaviours listed for the histology', () => {
    for (const key of Object.keys(ICDO3_MORPHOLOGY_TERMS)) {
      const [h, b] = key.split('/');
      expect(ICDO3_MORPHOLOGY_BEHAVIOURS[h]).toContain(Number(b));
    }
  });

  it.each([
    // ICD-O-3.2 behaviour codes.
    ['8000', [0, 1, 3, 6, 9]],
    ['8010', [0, 2, 3, 6, 9]],
    ['8140', [0, 1, 2, 3, 6]],
    ['8500', [2, 3]],
    ['8520', [2, 3]],
    ['8720', [0, 2, 3]],
    ['9080', [0, 1, 3]],
  ])('should list the ICD-O-3 behaviours of %s', (h, bs) => {
    expect(ICDO3_MORPHOLOGY_BEHAVIOURS[h]).toEqual(bs);
  });

  it('should cover the codes a tumour board sees most', () => {
    // Breast, prostate, lung, colorectal, pancreas, gynaecologic, sarcoma, GIST, germ cell, CNS, NET, lymphoma, myeloma.
    for (const h of [
      '8500',
      '8520',
      '8522',
      '8530',
      '8140',
      '8550',
      '8070',
      '8041',
      '8046',
      '8250',
      '8480',
      '8490',
      '8441',
      '8460',
      '8461',
      '8380',
      '8310',
      '8950',
      '8951',
      '8980',
      '8890',
      '8910',
      '8936',
      '9061',
      '9070',
      '9085',
      '9440',
      '9445',
      '9400',
      '9450',
      '8240',
      '8246',
      '8249',
      '9650',
      '9663',
      '9680',
      '9684',
      '9690',
      '9732',
      '9861',
      '9863',
      '9823',
      '8720',
      '8743',
      '8312',
      '8170',
      '8160',
      '9180',
      '9220',
      '9364',
    ])
      expect(ICDO3_MORPHOLOGY[h]).toBeDefined();
  });
});

describe(parseMorphology.name, () => {
  it('should split a valid code into histology and behaviour', () => {
    expect(parseMorphology('8500/3')).toEqual({ histology: '8500', behaviour: 3 });
    expect(parseMorphology('8500/2')).toEqual({ histology: '8500', behaviour: 2 });
    expect(parseMorphology('8140/0')).toEqual({ histology: '8140', behaviour: 0 });
  });

  it('should parse /6 of a malignant histology as a metastasis', () => {
    // ICD-O-3 behaviour code matrix: /6 malignant, metastatic site.
    expect(parseMorphology('8500/6')).toEqual({ histology: '8500', behaviour: 6 });
    expect(parseMorphology('8140/6')).toEqual({ histology: '8140', behaviour: 6 });
  });

  it.each([
    '0000/3',
    '9999/9',
    '8000/9',
    '8010/9',
    '8500/1',
    '8500/0',
    '9680/2',
    '8720/1',
    '8506/3',
    '8506/6',
    '8500',
    '8500/',
    '850/3',
    '8500-3',
    '8500/33',
    'M8500/3',
    '',
  ])('should refuse %p', (code) => {
    expect(parseMorphology(code)).toBeUndefined();
    expect(isMorphology(code)).toBe(false);
  });

  it('should accept exactly the valid behaviours of every histology', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ICDO3_MORPHOLOGY)), fc.integer({ min: 0, max: 9 }), (h, b) => {
        const listed = ICDO3_MORPHOLOGY_BEHAVIOURS[h] ?? [3];
        const valid = [0, 1, 2, 3].includes(b) ? listed.includes(b) : b === 6 && listed.includes(3);
        expect(isMorphology(`${h}/${b}`)).toBe(valid);
      }),
    );
  });
});

describe(validBehaviours.name, () => {
  it('should add /6 to malignant histologies and drop /9', () => {
    expect(validBehaviours('8000')).toEqual([0, 1, 3, 6]);
    expect(validBehaviours('8500')).toEqual([2, 3, 6]);
    expect(validBehaviours('9680')).toEqual([1, 3, 6]); // 9680/1 EBV-positive mucocutaneous ulcer (ICD-O-3.2)
    expect(validBehaviours('8506')).toEqual([0]); // adenoma of nipple: benign only
    expect(validBehaviours('0000')).toEqual([]);
  });
});

describe(isMorphology.name, () => {
  it.each([
    '8500/3',
    '8500/2',
    '8520/2',
    '8140/0',
    '8140/1',
    '8140/2',
    '8000/0',
    '8000/1',
    '9680/3',
    '8936/3',
    '8890/3',
    '8720/2',
    '9650/3',
  ])('should accept %s', (code) => {
    expect(isMorphology(code)).toBe(true);
  });
});

describe(morphologyName.name, () => {
  it.each([
    ['8500/3', 'Infiltrating duct carcinoma, NOS'],
    ['8500/2', 'Intraductal carcinoma, noninfiltrating, NOS'],
    ['8520/2', 'Lobular carcinoma in situ, NOS'],
    ['8520/3', 'Lobular carcinoma, NOS'],
    ['8140/3', 'Adenocarcinoma, NOS'],
    ['8140/0', 'Adenoma, NOS'],
    ['8140/6', 'Adenocarcinoma, metastatic, NOS'],
    ['8720/3', 'Malignant melanoma, NOS'],
    ['8720/2', 'Melanoma in situ'],
    ['8936/3', 'Gastrointestinal stromal tumor'],
    ['8890/3', 'Leiomyosarcoma, NOS'],
    ['9680/3', 'Diffuse large B-cell lymphoma, NOS'],
    ['9663/3', 'Hodgkin lymphoma, nodular sclerosis, NOS'],
    ['8506/0', 'Adenoma of nipple'],
  ])('should name %s "%s"', (code, name) => {
    expect(morphologyName(code)).toBe(name);
  });

  it('should qualify a behaviour the classification has no term for', () => {
    expect(morphologyName('8500/6')).toBe('Infiltrating duct carcinoma, NOS, metastatic');
    expect(morphologyName('9680/6')).toBe('Diffuse large B-cell lymphoma, NOS, metastatic');
  });

  it('should be undefined when the code or its behaviour is not valid', () => {
    expect(morphologyName('9680/2')).toBeUndefined();
    expect(morphologyName('0000/3')).toBeUndefined();
    expect(morphologyName('8500/1')).toBeUndefined();
  });

  it('should name every valid code, each behaviour of a histology differently', () => {
    for (const h of Object.keys(ICDO3_MORPHOLOGY)) {
      const names = validBehaviours(h).map((b) => morphologyName(`${h}/${b}`));
      for (const n of names) expect(typeof n).toBe('string');
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('should tell apart behaviours the book words the same', () => {
    expect(morphologyName('8151/3')).toBe('Insulinoma, NOS');
    expect(morphologyName('8151/0')).toBe('Insulinoma, NOS, benign');
    expect(morphologyName('9230/0')).toBe('Chondroblastoma, NOS, benign');
    expect(morphologyName('9230/1')).toBe('Chondroblastoma, NOS, uncertain whether benign or malignant');
  });
});

describe(isLymphomaMorphology.name, () => {
  it('should be true for Hodgkin and non-Hodgkin lymphomas (9590–9729)', () => {
    for (const code of [
      '9590/3',
      '9591/3',
      '9650/3',
      '9663/3',
      '9680/3',
      '9684/3',
      '9690/3',
      '9699/3',
      '9702/3',
      '9729/3',
      '9680',
    ])
      expect(isLymphomaMorphology(code)).toBe(true);
  });

  it('should be false for myeloma, leukaemia, solid tumours and invalid codes', () => {
    for (const code of ['9732/3', '9861/3', '9823/3', '8500/3', '9680/2', '0000/3', '9599/3', 'lymphoma'])
      expect(isLymphomaMorphology(code)).toBe(false);
  });
});

describe(isHematologicMorphology.name, () => {
  it('should be true for 9590–9999 and false otherwise', () => {
    for (const code of ['9590/3', '9732/3', '9861/3', '9989/3', '9950/3'])
      expect(isHematologicMorphology(code)).toBe(true);
    for (const code of ['8500/3', '9581/3', '9999/3', '9999/9']) expect(isHematologicMorphology(code)).toBe(false);
  });
});

describe(isPairedSite.name, () => {
  // SEER Program Coding and Staging Manual, laterality: paired organ sites.
  it.each([
    'C50.4',
    'C50.9',
    'C64.9',
    'C34.1',
    'C34.0',
    'C56.9',
    'C62.9',
    'C74.0',
    'C69.2',
    'C07.9',
    'C08.0',
    'C09.9',
    'C30.1',
    'C31.0',
    'C31.2',
    'C38.4',
    'C40.2',
    'C41.3',
    'C41.4',
    'C44.2',
    'C44.6',
    'C47.1',
    'C49.2',
    'C57.0',
    'C63.1',
    'C65.9',
    'C66.9',
    'C70.0',
    'C71.1',
    'C72.3',
    'C75.4',
  ])('should treat %s as a paired organ', (code) => {
    expect(isPairedSite(code)).toBe(true);
  });

  it.each([
    'C61.9',
    'C18.7',
    'C25.0',
    'C53.9',
    'C73.9',
    'C44.4',
    'C44.0',
    'C44.8',
    'C41.2',
    'C31.1',
    'C08.9',
    'C40.9',
    'C71.7',
    'C77.3',
    'C80.9',
    'C50.7',
  ])('should not treat %s as a paired organ', (code) => {
    expect(isPairedSite(code)).toBe(false);
  });

  it('should list only topography codes', () => {
    for (const code of PAIRED_ORGANS) expect(isTopography(code)).toBe(true);
    expect(PAIRED_ORGANS.size).toBe(76);
  });
});

describe(isIcd10Cm.name, () => {
  it('should check the shape only', () => {
    for (const code of ['C50.912', 'C34.11', 'C61', 'C4A.9', 'C49.A2', 'D05.11', 'C50912', 'C50.7'])
      expect(isIcd10Cm(code)).toBe(true);
    for (const code of ['50.912', 'C5', 'C50.91234', 'C50..9', 'c50.912', '', 'C50-912'])
      expect(isIcd10Cm(code)).toBe(false);
  });
});

describe(icd10cmToIcdo3.name, () => {
  // ICD-10-CM 2025 tabular list.
  it.each([
    ['C50.912', { topography: 'C50.9', laterality: 'left' }], // female, left breast
    ['C50.411', { topography: 'C50.4', laterality: 'right' }],
    ['C50.929', { topography: 'C50.9' }], // male, side unspecified
    ['C50912', { topography: 'C50.9', laterality: 'left' }],
    ['C34.11', { topography: 'C34.1', laterality: 'right' }],
    ['C34.32', { topography: 'C34.3', laterality: 'left' }],
    ['C34.2', { topography: 'C34.2', laterality: 'right' }],
    ['C34.90', { topography: 'C34.9' }],
    ['C18.7', { topography: 'C18.7' }],
    ['C61', { topography: 'C61.9' }],
    ['C25.0', { topography: 'C25.0' }],
    ['C56.1', { topography: 'C56.9', laterality: 'right' }],
    ['C56.3', { topography: 'C56.9', laterality: 'bilateral' }],
    ['C64.2', { topography: 'C64.9', laterality: 'left' }],
    ['C20', { topography: 'C20.9' }],
    ['C22.0', { topography: 'C22.0' }],
    ['C26.1', { topography: 'C42.2' }],
    ['C43.62', { topography: 'C44.6', laterality: 'left' }], // melanoma of skin → ICD-O-3 skin
    ['C43.59', { topography: 'C44.5' }],
    ['C43.4', { topography: 'C44.4' }],
    ['C43.111', { topography: 'C44.1', laterality: 'right' }],
    ['C44.612', { topography: 'C44.6', laterality: 'right' }],
    ['C44.1092', { topography: 'C44.1', laterality: 'left' }],
    ['C4A.9', { topography: 'C44.9' }],
    ['C45.0', { topography: 'C38.4' }],
    ['C49.A2', { topography: 'C16.9' }],
    ['C40.21', { topography: 'C40.2', laterality: 'right' }],
    ['C57.11', { topography: 'C57.1' }], // broad ligament is not a paired organ for SEER
    ['C62.12', { topography: 'C62.1', laterality: 'left' }],
    ['C69.21', { topography: 'C69.2', laterality: 'right' }],
    ['C71.1', { topography: 'C71.1' }],
    ['C76.8', { topography: 'C76.7' }],
    ['C80.1', { topography: 'C80.9' }],
    ['D05.12', { topography: 'C50.9', laterality: 'left' }], // intraductal carcinoma in situ, left breast
    ['C7A.025', { topography: 'C18.7' }],
    ['C50.9', { topography: 'C50.9' }], // non-billable header with one site
    ['C50.91', { topography: 'C50.9' }],
    ['D05', { topography: 'C50.9' }],
  ])('should map %s', (code, site) => {
    expect(icd10cmToIcdo3(code)).toEqual(site);
  });

  it.each([
    'C77.3', // secondary, lymph nodes
    'C78.01', // secondary, lung
    'C79.51', // secondary, bone
    'C80.0', // disseminated
    'C81.10', // Hodgkin lymphoma
    'C83.30', // DLBCL
    'C90.00', // myeloma
    'C92.00', // AML
    'C45.7',
    'C50.7', // no such code
    'C50.913', // no such side
    'C50.932', // no such sex
    'C18.77',
    'C34.4',
    'C50',
    'C43',
    'D03.9',
    'Z85.3',
    'bad',
  ])('should not map %s', (code) => {
    expect(icd10cmToIcdo3(code)).toBeUndefined();
  });

  it('should only give topographies on the ICD-O-3 list, and a side only for paired organs', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[CD]\d[0-9A]\.?[0-9A]{0,4}$/), (code) => {
        const site = icd10cmToIcdo3(code);
        if (site === undefined) return;
        expect(isTopography(site.topography)).toBe(true);
        if (site.laterality !== undefined) expect(isPairedSite(site.topography)).toBe(true);
        expect(['C77', 'C78', 'C79']).not.toContain(code.slice(0, 3));
      }),
    );
  });
});
