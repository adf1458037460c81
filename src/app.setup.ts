import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { auditHookOptions } from './audit/audit-hook-options.js';
import { answerFrameworkError, installAuditHooks } from './audit/audit-hooks.js';
import { BoardIoAdapter } from './board/board-io.adapter.js';
import { boundedJsonParser, unsupportedMediaType } from './common/body-limits.js';
import { securityHeaders } from './common/security-headers.js';
import { AppConfig } from './config/app-config.js';
import type { Env } from './config/env.schema.js';
import { QuietStartupLogger } from './logging.js';
import { webAssetOptions } from './web-assets.js';
import { FHIR_BASE64_ELEMENTS, fhirBodyErrorHandler, fhirBodyLimit, isFhirRoute } from './fhir/fhir-route.js';
import { createOpenApiDocument } from './openapi/openapi-document.js';

/** The Fastify adapter: body limit, proxy trust, request ids. */
export function createFastifyAdapter(env: Env): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    logger: false,
    // Shutdown drains: during the grace period (terminus) requests already on
    // the wire are still served and /api/health answers 503; then the server
    // stops accepting and finishes what is in flight.
    return503OnClosing: false,
    // Record uploads (POST /api/cases/:id/records): one file, a few fields.
    multipart: { limits: { fileSize: env.UPLOAD_MAX_BYTES, files: 1, fields: 10, fieldSize: 2000, parts: 12 } },
    // Always the server's own: a client's X-Request-Id could make two users' audit rows
    // share one id. The client's value is kept apart (audit_event.client_request_id).
    genReqId: () => randomUUID(),
    // A URL Fastify cannot decode is answered before any hook: as a problem, with headers, audited.
    frameworkErrors: answerFrameworkError,
  });
}

/** Everything that is the same for the server and the e2e tests. */
export function configureApp(app: NestFastifyApplication): void {
  const config = app.get(AppConfig);
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.setGlobalPrefix('api');
  app.useWebSocketAdapter(new BoardIoAdapter(app));
  app.enableCors({
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After', 'Location'],
    maxAge: 600,
  });

  // The browser app (built into dist/web by `npm run build`), at /.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const web = path.resolve(here, here.endsWith(`${path.sep}dist${path.sep}src`) ? '../web' : '../dist/web');
  if (existsSync(path.join(web, 'index.html'))) {
    // Nest's copy of the option types still describes setHeaders' first argument as a raw response;
    // @fastify/static 10 passes the reply, as its own types (used in web-assets.ts) say.
    app.useStaticAssets(webAssetOptions(web) as unknown as Parameters<NestFastifyApplication['useStaticAssets']>[0]);
  }

  const fastify = app.getHttpAdapter().getInstance();
  const bodyLimit = fastify.initialConfig.bodyLimit ?? 1048576;
  // The API speaks JSON; anything else is a 415, not a string that fails validation.
  fastify.removeContentTypeParser('text/plain');
  // Form bodies too (Nest would register a parser for them at init).
  app.useBodyParser('application/x-www-form-urlencoded', {}, unsupportedMediaType);
  // JSON's shape (depth, fields, list items, string length) is checked on the text before
  // Fastify's strict parser (no __proto__/constructor keys) reads it; FHIR's media type is
  // JSON too, read the same way, with room for base64 attachments on FHIR routes.
  const json = boundedJsonParser(
    fastify.getDefaultJsonParser(
      fastify.initialConfig.onProtoPoisoning ?? 'error',
      fastify.initialConfig.onConstructorPoisoning ?? 'error',
    ),
    config.bodyLimits,
    (request) => (isFhirRoute(request.routeOptions.config) ? { longStringKeys: FHIR_BASE64_ELEMENTS } : {}),
  );
  app.useBodyParser('application/json', { bodyLimit }, json);
  fastify.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, json);
  // FHIR routes (@FhirRoute()) take Bundles with base64 documents, and answer even the errors
  // raised before Nest runs them (body too large, not JSON) as an OperationOutcome.
  fastify.addHook('onRoute', (route) => {
    if (!isFhirRoute(route.config)) return;
    route.bodyLimit = fhirBodyLimit(bodyLimit, config.uploadMaxBytes);
    route.errorHandler = fhirBodyErrorHandler;
  });
  const headers = securityHeaders();
  // Every refused API request is audited, also those refused before a handler runs,
  // and every API answer carries Cache-Control: no-store.
  installAuditHooks(fastify, auditHookOptions(app), headers);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });

  // Errors, validation rules and security derived from the routes' own metadata (src/openapi/).
  const document = createOpenApiDocument(app, 'api');
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** Creates and configures the application (not yet listening). */
export async function createApp(env: Env): Promise<NestFastifyApplication> {
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module.js');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), createFastifyAdapter(env), {
    bufferLogs: true,
  });
  configureApp(app);
  return app;
}
