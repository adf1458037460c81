import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../common/problem.js';
import { bodyErrorText, FHIR_CONTENT_TYPE, outcomeOfError } from './operation-outcome.js';

/**
 * Marks a route that takes FHIR resources: the app setup gives it a body
 * limit for base64 documents and answers Fastify's own errors (body too
 * large, not JSON, wrong content type) as an OperationOutcome; the route's
 * controller uses FhirExceptionFilter for everything else.
 */
export const FhirRoute = (): MethodDecorator => RouteConfig({ fhir: true });

export function isFhirRoute(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { fhir?: unknown }).fhir === true;
}

/**
 * A referral Bundle carries its documents in base64: room for one upload's
 * worth (4 bytes per 3) on top of the ordinary body limit.
 */
export function fhirBodyLimit(bodyLimit: number, uploadMaxBytes: number): number {
  return bodyLimit + Math.ceil(uploadMaxBytes / 3) * 4;
}

/** Elements holding base64 (Attachment.data): bounded by the route's body limit, not the string limit. */
export const FHIR_BASE64_ELEMENTS: ReadonlySet<string> = new Set(['data']);

const logger = new Logger('Errors');

function sendOutcome(request: FastifyRequest, reply: FastifyReply, exception: unknown, beforeRoute: boolean): void {
  const problem = toProblem(exception, request.id);
  if (problem.status === 503) void reply.header('retry-after', '1');
  else if (problem.status >= 500) {
    // The cause goes to the log, never to the client; the body is never logged.
    logger.error({ err: exception, requestId: request.id }, 'unhandled error');
  }
  if (reply.sent) return;
  const outcome = outcomeOfError(
    exception,
    problem,
    beforeRoute ? bodyErrorText(exception, problem.status) : undefined,
  );
  void reply.status(problem.status).header('content-type', FHIR_CONTENT_TYPE).send(outcome);
}

/** Fastify's error handler for a FHIR route: errors raised before Nest runs it (reading the body). */
export function fhirBodyErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendOutcome(request, reply, error, true);
}

/** Every error of a FHIR route (guards, pipes, handler) as an OperationOutcome, with the status problem details would have. */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    sendOutcome(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, false);
  }
}
