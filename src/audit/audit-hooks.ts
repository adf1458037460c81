import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../common/problem.js';
import { AUDIT_TEXT_MAX, storableText } from './audit-text.js';
import type { AuditService } from './audit.service.js';

/** The caller a refused request's token names, if it is valid. */
export type IdentifyCaller = (authorization: string | undefined) => Promise<{ id: string; role: string } | undefined>;

export interface AuditHookOptions {
  audit: AuditService;
  /** The audit action a route declares, by `METHOD /api/pattern`. */
  actionOf: (route: string) => string | undefined;
  /** Resolves a bearer token for refusals that happened before the access guard ran. */
  identify: IdentifyCaller;
  logger: { error(details: object, message: string): void };
}

/** Paths of the API (the browser app's files are not under /api). */
export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

export const NO_ROUTE = '(no route)';

/**
 * The API route a request matched, as a pattern (never the raw path, which
 * may hold anything). An /api path that only the browser app's catch-all
 * (`/*`) matched matched no API route.
 */
export function routeOf(method: string, pattern: string | undefined): string {
  return `${method} ${pattern !== undefined && isApiPath(pattern) ? pattern : NO_ROUTE}`;
}

/** The client's X-Request-Id, kept for correlation only: sanitised and bounded. */
export function clientRequestIdOf(header: string | string[] | undefined): string | null {
  const given = Array.isArray(header) ? header[0] : header;
  const trimmed = given?.trim() ?? '';
  return trimmed === '' ? null : storableText(trimmed, AUDIT_TEXT_MAX.clientRequestId);
}

const FASTIFY_REASONS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_json_body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'malformed_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

const STATUS_REASONS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  428: 'precondition_required',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** The machine reason of a refusal no handler recorded. */
export function refusalReason(status: number, errorCode: string | null, routeMatched: boolean): string {
  if (errorCode !== null && errorCode in FASTIFY_REASONS) return FASTIFY_REASONS[errorCode];
  if (status === 404 && !routeMatched) return 'route_not_found';
  if (status >= 500) return 'server_error';
  return STATUS_REASONS[status] ?? `status_${status}`;
}

type RequestWithUser = FastifyRequest & { user?: { id: string; role: string } };

/**
 * Hooks that make the audit trail cover every refused API request, also
 * those refused before a route handler ran (malformed JSON, a body too
 * large, a media type the API does not speak, no such route), which the
 * audit interceptor never sees. A request that no guard, interceptor or
 * service audited, and that is answered 4xx (or 5xx other than 503, the
 * database being away), gets one row before its answer leaves; the row
 * names the caller when the request carried a valid token, and an
 * anonymous one adds to its minute's aggregate count.
 */
export function installAuditHooks(
  fastify: FastifyInstance,
  options: AuditHookOptions,
  headers: Readonly<Record<string, string>>,
): void {
  const { audit } = options;
  responders.set(fastify, frameworkErrorResponder(options, headers));
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (isApiPath(request.url)) {
      audit.requests.start(request.id, {
        route: routeOf(request.method, request.routeOptions.url),
        clientRequestId: clientRequestIdOf(request.headers['x-request-id']),
      });
    }
    done();
  });
  fastify.addHook('onError', (request, _reply, error, done) => {
    const entry = audit.requests.get(request.id);
    if (entry !== undefined && typeof error.code === 'string') entry.errorCode = error.code;
    done();
  });
  fastify.addHook('onSend', async (request: RequestWithUser, reply: FastifyReply, payload: unknown) => {
    const entry = audit.requests.get(request.id);
    if (entry === undefined) return payload;
    // PHI and tokens must not sit in caches: every API answer, errors included.
    void reply.header('cache-control', 'no-store');
    const status = reply.statusCode;
    if (entry.audited || status < 400 || status === 503) return payload;
    entry.audited = true;
    const routeMatched = !entry.route.endsWith(NO_ROUTE);
    try {
      const caller = request.user ?? (await options.identify(request.headers.authorization));
      await audit.record({
        actorId: caller?.id ?? null,
        actorRole: caller?.role ?? null,
        action: options.actionOf(entry.route) ?? 'http.request',
        outcome: status === 401 || status === 403 || status === 429 ? 'denied' : 'failure',
        statusCode: status,
        reason: refusalReason(status, entry.errorCode, routeMatched),
        requestId: request.id,
        ip: request.ip,
        route: entry.route,
      });
    } catch (error) {
      options.logger.error({ err: error, requestId: request.id }, 'could not record a refused request');
    }
    return payload;
  });
  const finish = (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    audit.requests.finish(request.id);
    done();
  };
  fastify.addHook('onResponse', finish);
  fastify.addHook('onRequestAbort', (request, done) => {
    audit.requests.finish(request.id);
    done();
  });
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (broken %-encoding
 * such as an encoded lone surrogate) or a path parameter too long is
 * answered before any route or hook runs, so this answers it as every other
 * refusal: problem details, the security headers, no-store, the request id,
 * and its audit row (or aggregate count). Nothing of the URL is stored.
 */
export function frameworkErrorResponder(
  options: AuditHookOptions,
  headers: Readonly<Record<string, string>>,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (error, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 400;
    void reply.headers(headers).header('x-request-id', request.id).header('cache-control', 'no-store');
    if (isApiPath(request.url)) {
      try {
        const caller = await options.identify(request.headers.authorization);
        await options.audit.record({
          actorId: caller?.id ?? null,
          actorRole: caller?.role ?? null,
          action: 'http.request',
          outcome: 'failure',
          statusCode: status,
          reason: refusalReason(status, error.code, false),
          requestId: request.id,
          clientRequestId: clientRequestIdOf(request.headers['x-request-id']),
          ip: request.ip,
          route: `${request.method} ${NO_ROUTE}`,
        });
      } catch (auditError) {
        options.logger.error({ err: auditError, requestId: request.id }, 'could not record a refused request');
      }
    }
    void reply.status(status).header('content-type', PROBLEM_CONTENT_TYPE).send(toProblem(error, request.id));
  };
}

type Responder = ReturnType<typeof frameworkErrorResponder>;
const responders = new WeakMap<object, Responder>();

/** For the adapter's `frameworkErrors` option: the responder installAuditHooks set up for this server. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const responder = responders.get(request.server);
  if (responder !== undefined) {
    void responder(error, request, reply);
    return;
  }
  void reply.status(400).header('content-type', PROBLEM_CONTENT_TYPE).send(toProblem(error, request.id));
}
