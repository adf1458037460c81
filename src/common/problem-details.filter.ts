import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';

/** Every HTTP error leaves as `application/problem+json`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(request, reply, exception, this.logger);
  }
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
  logger: Pick<Logger, 'error'>,
): void {
  const problem = toProblem(exception, request.id);
  if (problem.status === 503) void reply.header('retry-after', '1');
  else if (problem.status >= 500) {
    // The cause goes to the log, never to the client; messages carry no PHI
    // by convention, and the request body is never logged.
    logger.error({ err: exception, requestId: request.id }, 'unhandled error');
  }
  if (reply.sent) return;
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}
