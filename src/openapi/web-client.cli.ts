import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module.js';
import { createFastifyAdapter } from '../app.setup.js';
import { validateEnv } from '../config/load-env.js';
import { createOpenApiDocument } from './openapi-document.js';
import { WEB_CLIENT_TYPES, webClientTypes } from './web-client-types.js';

// `npm run web:api` — writes the browser app's API types from the server's OpenAPI
// document; `-- --check` only says whether they are current. The app is created in
// preview mode (the module graph, no providers), so no database is needed.
async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const env = validateEnv({
    DATABASE_URL: 'postgres://preview@127.0.0.1:1/preview',
    JWT_SECRET: 'preview-only-never-used-to-sign-anything',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), createFastifyAdapter(env), {
    preview: true,
    logger: false,
  });
  app.setGlobalPrefix('api');
  const types = await webClientTypes(createOpenApiDocument(app, 'api'));
  await app.close();
  const current = await readFile(WEB_CLIENT_TYPES, 'utf8').catch(() => '');
  if (current === types) {
    process.stdout.write(`${WEB_CLIENT_TYPES} is current\n`);
    return 0;
  }
  if (check) {
    process.stderr.write(`${WEB_CLIENT_TYPES} is out of date: run npm run web:api\n`);
    return 1;
  }
  await writeFile(WEB_CLIENT_TYPES, types);
  process.stdout.write(`wrote ${WEB_CLIENT_TYPES}\n`);
  return 0;
}

process.exitCode = await main();
