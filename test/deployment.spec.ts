import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { knownEnvNames } from '../src/config/load-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  volumes?: string[];
}

describe('Deployment files', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };

  it('should run postgres 17 with a healthcheck and a named volume', () => {
    const pg = compose.services.postgres;
    expect(pg?.image).toBe('postgres:17');
    expect(pg?.healthcheck?.test).toBeDefined();
    const volume = pg?.volumes?.[0]?.split(':')[0];
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('should keep state only in named volumes, none in a container or on the host', () => {
    const declared = Object.keys(compose.volumes);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':');
        expect({ service: name, source, mounted: target !== undefined }).toEqual({
          service: name,
          source: expect.stringMatching(new RegExp(`^(${declared.join('|')})$`)),
          mounted: true,
        });
      }
    }
  });

  it('should build the app and start it only once the database is healthy', () => {
    const app = compose.services.app;
    expect(app?.build).toBeDefined();
    expect(app?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(app?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
  });

  it('should set only environment names that the app reads', () => {
    const known = new Set(knownEnvNames());
    const names = Object.keys(compose.services.app?.environment ?? {});
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('should document every variable in .env.example, and nothing else', () => {
    const documented = readFileSync(path.join(root, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined);
    expect([...new Set(documented)].sort()).toEqual(knownEnvNames());
  });

  it('should build the image on a Node.js version that package.json supports', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1]);
    expect(majors.length).toBeGreaterThanOrEqual(2);
    for (const major of majors) expect(engines).toMatch(new RegExp(`\\^${major}\\.`));
    // Node 20 is past its end of life.
    expect(engines).not.toMatch(/\b20\./);
  });

  it('should run the app as a non-root user from a multi-stage image with production dependencies', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
  });
});
