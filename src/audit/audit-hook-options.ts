import { Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bearerToken } from '../auth/access.guard.js';
import { SessionsService } from '../auth/sessions.service.js';
import { listRouteAudits } from './audit-coverage.js';
import type { AuditHookOptions } from './audit-hooks.js';
import { AuditService } from './audit.service.js';

/**
 * What the audit hooks need from the application: the audit service, the
 * action each route declares (so a body refused before the handler is
 * recorded as, say, `case.create`), and the sessions service to name the
 * caller of a request refused before the access guard ran.
 */
export function auditHookOptions(app: NestFastifyApplication): AuditHookOptions {
  const sessions = app.get(SessionsService);
  const actions = new Map<string, string>();
  for (const r of listRouteAudits(app.get(DiscoveryService), app.get(MetadataScanner), app.get(Reflector))) {
    if (r.declaration === undefined || r.declaration.mode === 'none') continue;
    const [method, path] = r.route.split(' ');
    actions.set(`${method} /api${path === '/' ? '' : path}`, r.declaration.action);
  }
  const logger = new Logger('Audit');
  return {
    audit: app.get(AuditService),
    actionOf: (route) => actions.get(route),
    identify: async (authorization) => {
      const token = bearerToken(authorization);
      const claims = token === undefined ? undefined : await sessions.verifyAccessToken(token);
      return claims === undefined ? undefined : await sessions.principal(claims);
    },
    logger: { error: (details, message) => logger.error(details, message) },
  };
}
