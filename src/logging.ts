import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';

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
