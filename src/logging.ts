import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Options } from 'pino-http';
import { PinoPretty } from 'pino-pretty';
import type { LOG_FORMATS } from './config/env.schema.js';

export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * JSON lines in production (for log shippers) or when LOG_FORMAT=json;
 * otherwise one readable line per entry, for a developer's terminal.
 */
export function logFormatFor(env: { NODE_ENV: string; LOG_FORMAT?: LogFormat }): LogFormat {
  return env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty');
}

/**
 * Where the logs go: pino's own stdout writer for JSON; pino-pretty as a
 * stream for the readable form, synchronous and in this thread (no worker),
 * so that nothing is lost at exit and lines keep their order with what the
 * start-up banner prints. The same serializers and redaction apply to both:
 * pino-pretty only lays out what pino already reduced.
 */
export function logDestination(
  format: LogFormat,
  output: NodeJS.WritableStream = process.stdout,
): DestinationStream | undefined {
  switch (format) {
    case 'json':
      return undefined;
    case 'pretty': {
      // One readable stream per output, shared by every logger on it: each would pipe into the
      // output and stay piped (every app an in-process test starts would add one more).
      const shared = prettyStreams.get(output);
      if (shared !== undefined) return shared;
      const pretty = PinoPretty({
        destination: output,
        sync: true,
        colorize: (output as NodeJS.WriteStream).isTTY === true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,context,req,res,responseTime,requestId',
        messageFormat:
          '{if context}[{context}] {end}{msg}{if req.path} {req.path}{end}{if responseTime} {responseTime} ms{end}{if requestId} (request {requestId}){end}',
        singleLine: false,
      });
      prettyStreams.set(output, pretty);
      return pretty;
    }
  }
}

const prettyStreams = new WeakMap<NodeJS.WritableStream, DestinationStream>();

/** A logger for the entry points and command-line tools, before Nest's exists. */
export function createLogger(
  env: { NODE_ENV: string; LOG_FORMAT?: LogFormat; LOG_LEVEL: string },
  context: string,
  output?: NodeJS.WritableStream,
): Logger {
  const options = { level: env.LOG_LEVEL, base: { context } };
  const destination = logDestination(logFormatFor(env), output);
  return destination === undefined ? pino(options) : pino(options, destination);
}

/**
 * Request logs carry the request id, method, path, status and timing, and
 * nothing else: no headers (tokens), no query strings, no bodies. Paths hold
 * only ids by design, so no patient data reaches the log.
 */
export function pinoHttpOptions(level: string): Options {
  return {
    level,
    // Fastify has already assigned the id: always the server's own (a client's X-Request-Id is not used).
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    customAttributeKeys: { reqId: 'requestId' },
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error & { code?: unknown }) => ({ type: err.name, code: err.code, stack: err.stack }),
    },
    redact: { paths: ['req.headers', 'req.body', 'req.query', 'res.headers'], remove: true },
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${res.statusCode}`,
  };
}

/** nestjs-pino's `pinoHttp` parameter: the options, and the readable stream when there is one. */
export function pinoHttpParams(level: string, format: LogFormat): Options | [Options, DestinationStream] {
  const destination = logDestination(format);
  return destination === undefined ? pinoHttpOptions(level) : [pinoHttpOptions(level), destination];
}

// Nest's own start-up chatter: a line per module, per controller and per route (about 140 today).
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
]);

/**
 * The logger Nest itself writes to: its start-up lines ("Mapped {/api/…}",
 * "… dependencies initialized") go to debug, so a newcomer's terminal shows
 * what matters (LOG_LEVEL=debug brings them back); warnings and errors,
 * from any context, pass unchanged.
 */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) {
      (this.inner.debug ?? (() => undefined)).call(this.inner, message, ...params);
      return;
    }
    this.inner.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...params);
  }
}
