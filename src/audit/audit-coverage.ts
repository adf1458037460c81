import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../common/auth.decorators.js';
import { AUDIT, type AuditDeclaration } from './audit.decorators.js';

export interface RouteAudit {
  route: string;
  isPublic: boolean;
  declaration: AuditDeclaration | undefined;
}

export interface AuditCoverageProblem {
  route: string;
  problem: string;
}

const METHOD_NAMES = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

/** Every HTTP route of the application with its audit declaration. */
export function listRouteAudits(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): RouteAudit[] {
  const routes: RouteAudit[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const metatype = wrapper.metatype;
    if (instance === undefined || metatype === null || metatype === undefined) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    const controllerPath = String(reflector.get<string | undefined>(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const method = reflector.get<number | undefined>(METHOD_METADATA, handler);
      const path = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (method === undefined || path === undefined) continue;
      routes.push({
        route: `${METHOD_NAMES[method] ?? String(method)} /${[controllerPath, String(path)].filter((p) => p !== '' && p !== '/').join('/')}`,
        isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [handler, metatype]) === true,
        declaration: reflector.get<AuditDeclaration | undefined>(AUDIT, handler),
      });
    }
  }
  return routes;
}

/**
 * Routes that break the audit rule: every route declares how it is audited,
 * and only public routes may declare that they are not.
 */
export function auditCoverageProblems(routes: RouteAudit[]): AuditCoverageProblem[] {
  const problems: AuditCoverageProblem[] = [];
  for (const r of routes) {
    if (r.declaration === undefined) {
      problems.push({
        route: r.route,
        problem: 'has no audit declaration (@Audited, @AuditedByService or @NotAudited)',
      });
    } else if (r.declaration.mode === 'none' && !r.isPublic) {
      problems.push({ route: r.route, problem: 'is authenticated (may reach patient data) but declared @NotAudited' });
    }
  }
  return problems;
}

/** Refuses to start an application with an unaudited route. */
@Injectable()
export class AuditCoverageCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const problems = auditCoverageProblems(listRouteAudits(this.discovery, this.scanner, this.reflector));
    if (problems.length > 0) {
      throw new Error(`Audit coverage: ${problems.map((p) => `${p.route} ${p.problem}`).join('; ')}`);
    }
  }
}
