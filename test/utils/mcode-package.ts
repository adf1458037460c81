/**
 * Obtains the HL7 mCODE 4.0.0 implementation guide package (test-side only).
 *
 * The IG is published on the npm registry as `hl7.fhir.us.mcode`, but it cannot be an npm dependency: its
 * package.json depends on FHIR packages (hl7.fhir.r4.core, hl7.fhir.us.core 6.1.0, ...) that are not on the
 * npm registry, so `npm install` fails with ETARGET. We therefore fetch the tarball ourselves, check it
 * against a pinned integrity hash and extract it with the system `tar` into node_modules/.cache.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeSystem, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

export const MCODE_PACKAGE = 'hl7.fhir.us.mcode';
export const MCODE_VERSION = '4.0.0';
/** `dist.integrity` of hl7.fhir.us.mcode@4.0.0 as published on registry.npmjs.org. */
export const MCODE_INTEGRITY =
  'sha512-HJogFi9rQetIUE8gqKFq2tt4I8ukdH3PUCQO5jBiKxYUgh+vrlXvkWkt/XuYOzpNPdfRmsj3LG4UJm5o1g2OlA==';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MCODE_CACHE_DIR = path.join(root, 'node_modules', '.cache', `${MCODE_PACKAGE}-${MCODE_VERSION}`);
/** Written last into the extracted tree: its presence (with the right hash) means the cache is complete. */
const COMPLETE_MARKER = '.complete';

export interface McodePackage {
  /** Directory holding the package's JSON resources (`<cache>/package`). */
  dir: string;
  /** By canonical URL (no version suffix). */
  structureDefinitions: Map<string, StructureDefinition>;
  valueSets: Map<string, ValueSet>;
  codeSystems: Map<string, CodeSystem>;
}

function registryBase(): string {
  let registry = process.env.npm_config_registry;
  if (!registry) {
    try {
      registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', timeout: 30_000 }).trim();
    } catch {
      registry = undefined; // npm not on PATH: fall back to the public registry
    }
  }
  return !registry || registry === 'undefined' ? 'https://registry.npmjs.org/' : registry;
}

export function mcodeTarballUrl(registry = registryBase()): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return `${base}${MCODE_PACKAGE}/-/${MCODE_PACKAGE}-${MCODE_VERSION}.tgz`;
}

/** Subresource-integrity string (`sha512-<base64>`) of a buffer, as npm computes it. */
export function integrityOf(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

export interface EnsureOptions {
  /** Where to extract (default node_modules/.cache/hl7.fhir.us.mcode-4.0.0). */
  cacheDir?: string;
  /** Registry base URL (default: env npm_config_registry, else `npm config get registry`). */
  registry?: string;
}

function isComplete(dir: string): boolean {
  const marker = path.join(dir, COMPLETE_MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === MCODE_INTEGRITY;
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`GET ${url} failed: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Returns the cache directory with the extracted package, downloading it first if needed.
 * Parallel jest workers may race here: each extracts into its own temp dir and renames it into place,
 * so readers only ever see a complete tree (rename of a directory is atomic on one filesystem).
 */
export async function ensureMcodePackage(options: EnsureOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? MCODE_CACHE_DIR;
  if (isComplete(cacheDir)) return cacheDir;

  const url = mcodeTarballUrl(options.registry);
  const tgz = await download(url);
  const actual = integrityOf(tgz);
  if (actual !== MCODE_INTEGRITY) {
    throw new Error(`Refusing ${url}: integrity ${actual} does not match the pinned ${MCODE_INTEGRITY}`);
  }

  const parent = path.dirname(cacheDir);
  mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(cacheDir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const file = path.join(tmp, 'package.tgz');
    writeFileSync(file, tgz);
    execFileSync('tar', ['-xzf', file, '-C', tmp, '--no-same-owner'], { stdio: 'pipe' });
    rmSync(file);
    writeFileSync(path.join(tmp, COMPLETE_MARKER), `${MCODE_INTEGRITY}\n`);

    if (existsSync(cacheDir) && !isComplete(cacheDir)) {
      // Left over from an older, interrupted scheme: move it aside (atomically) before replacing it.
      const stale = `${tmp}-stale`;
      try {
        renameSync(cacheDir, stale);
        rmSync(stale, { recursive: true, force: true });
      } catch {
        // another worker got there first
      }
    }
    try {
      renameSync(tmp, cacheDir);
    } catch (e) {
      // Lost the race to another worker: fine if what it put there is complete.
      if (!isComplete(cacheDir)) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!isComplete(cacheDir)) throw new Error(`mCODE package cache at ${cacheDir} is incomplete`);
  return cacheDir;
}

const stripVersion = (url: string): string => url.split('|')[0];

function readPackage(dir: string): McodePackage {
  const pkgDir = path.join(dir, 'package');
  const result: McodePackage = {
    dir: pkgDir,
    structureDefinitions: new Map(),
    valueSets: new Map(),
    codeSystems: new Map(),
  };
  // Only the package root holds the conformance resources (examples live in package/example).
  for (const name of readdirSync(pkgDir)) {
    if (!name.endsWith('.json') || name === 'package.json' || name.startsWith('.')) continue;
    const json = JSON.parse(readFileSync(path.join(pkgDir, name), 'utf8')) as { resourceType?: string; url?: string };
    if (!json.url) continue;
    const url = stripVersion(json.url);
    if (json.resourceType === 'StructureDefinition') result.structureDefinitions.set(url, json as StructureDefinition);
    else if (json.resourceType === 'ValueSet') result.valueSets.set(url, json as ValueSet);
    else if (json.resourceType === 'CodeSystem') result.codeSystems.set(url, json as CodeSystem);
  }
  if (result.structureDefinitions.size === 0) throw new Error(`No StructureDefinitions found in ${pkgDir}`);
  return result;
}

let loading: Promise<McodePackage> | undefined;

/** The mCODE 4.0.0 StructureDefinitions, ValueSets and CodeSystems by canonical URL (memoised per module). */
export function loadMcodePackage(): Promise<McodePackage> {
  loading ??= ensureMcodePackage().then(readPackage);
  loading.catch(() => (loading = undefined)); // allow a retry after e.g. a network failure
  return loading;
}
