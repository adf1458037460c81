import { ParseUUIDPipe, RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { type DiscoveryService, type MetadataScanner, type Reflector } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { DECORATORS } from '@nestjs/swagger';
import { LoginRateLimitGuard } from '../auth/login-rate-limit.guard.js';
import { OWN_RATE_LIMIT } from '../auth/public-rate-limit.guard.js';
import type { Role } from '../auth/roles.js';
import { DURING_ENROLMENT, IS_PUBLIC, ROLES } from '../common/auth.decorators.js';
import { isFhirRoute } from '../fhir/fhir-route.js';

/** A DTO class, as the ValidationPipe receives it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a metatype is any class
export type Metatype = Function;

/** What the route's own metadata says about it: the facts its error responses are derived from. */
export interface RouteFacts {
  /** `POST /api/cases/{id}/transitions`, as the OpenAPI document names it. */
  key: string;
  controller: Type;
  handler: string;
  isPublic: boolean;
  duringEnrolment: boolean;
  roles: Role[] | undefined;
  /** Under the per-IP limit of anonymous routes (PublicRateLimitGuard). */
  ipRateLimited: boolean;
  /** Under the sign-in throttle (LoginRateLimitGuard). */
  loginThrottled: boolean;
  fhir: boolean;
  body: Metatype | undefined;
  query: Metatype | undefined;
  /** Path parameters and whether ParseUUIDPipe checks them. */
  pathParams: { name: string | undefined; uuid: boolean; dto: Metatype | undefined }[];
  headers: string[];
  consumes: string[];
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

const isUuidPipe = (pipe: unknown): boolean => pipe instanceof ParseUUIDPipe || pipe === ParseUUIDPipe;

/** The OpenAPI form of a Nest route path: `/api/cases/{id}`. */
export function openApiPath(prefix: string, ...parts: string[]): string {
  const joined = [prefix, ...parts]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
  return `/${joined}`.replace(/:(\w+)/g, '{$1}');
}

/** Every HTTP route of the application with the metadata its documentation is derived from. */
export function listRouteFacts(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  prefix: string,
): RouteFacts[] {
  const out: RouteFacts[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const controller = wrapper.metatype as Type | null | undefined;
    if (instance === undefined || controller === null || controller === undefined) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    const controllerPath = String(reflector.get<string | undefined>(PATH_METADATA, controller) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
      const path = reflector.get<string | undefined>(PATH_METADATA, handler);
      const verb = method === undefined ? undefined : METHODS[method];
      if (verb === undefined || path === undefined) continue;
      const targets = [handler, controller];
      const paramTypes = (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as Metatype[];
      const facts: RouteFacts = {
        key: `${verb.toUpperCase()} ${openApiPath(prefix, controllerPath, String(path))}`,
        controller,
        handler: name,
        isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
        duringEnrolment: reflector.getAllAndOverride<boolean | undefined>(DURING_ENROLMENT, targets) === true,
        roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets),
        ipRateLimited: false,
        loginThrottled: (reflector.get<unknown[] | undefined>(GUARDS_METADATA, handler) ?? []).includes(
          LoginRateLimitGuard,
        ),
        fhir: isFhirRoute(reflector.get<unknown>(FASTIFY_ROUTE_CONFIG_METADATA, handler)),
        body: undefined,
        query: undefined,
        pathParams: [],
        headers: [],
        consumes: reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, targets) ?? [],
      };
      facts.ipRateLimited =
        facts.isPublic && reflector.getAllAndOverride<string | undefined>(OWN_RATE_LIMIT, targets) === undefined;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, RouteArg>;
      for (const [key, arg] of Object.entries(args)) {
        const type = Number(key.split(':')[0]) as RouteParamtypes;
        const metatype = paramTypes[arg.index];
        if (type === RouteParamtypes.BODY) facts.body = metatype;
        else if (type === RouteParamtypes.QUERY) {
          if (arg.data === undefined) facts.query = metatype;
        } else if (type === RouteParamtypes.PARAM) {
          facts.pathParams.push({
            name: typeof arg.data === 'string' ? arg.data : undefined,
            uuid: (arg.pipes ?? []).some(isUuidPipe),
            dto: arg.data === undefined ? metatype : undefined,
          });
        } else if (type === RouteParamtypes.HEADERS && typeof arg.data === 'string') {
          facts.headers.push(arg.data.toLowerCase());
        }
      }
      out.push(facts);
    }
  }
  return out;
}
