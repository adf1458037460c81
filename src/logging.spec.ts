import { describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { createLogger, logDestination, logFormatFor, pinoHttpOptions, QuietStartupLogger } from './logging.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return { stream, text: () => out };
}

describe('logging', () => {
  it('should write JSON in production or with LOG_FORMAT=json, readable lines otherwise', () => {
    expect(logFormatFor({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormatFor({ NODE_ENV: 'development' })).toBe('pretty');
    expect(logFormatFor({ NODE_ENV: 'test' })).toBe('pretty');
    expect(logFormatFor({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatFor({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).toBe('pretty');
    expect(logDestination('json')).toBeUndefined();
  });

  it('should print a readable line with its context', () => {
    const out = capture();
    createLogger({ NODE_ENV: 'development', LOG_LEVEL: 'info' }, 'Bootstrap', out.stream).info(
      'database schema is up to date',
    );
    expect(out.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Bootstrap\] database schema is up to date\n$/);
    expect(out.text()).not.toContain('{');
  });

  it('should keep headers, query strings and bodies out of readable request lines, as out of JSON ones', async () => {
    for (const format of ['pretty', 'json'] as const) {
      const out = capture();
      const destination = logDestination(format, out.stream) ?? out.stream;
      const log = pinoHttp(pinoHttpOptions('info'), destination);
      const server: Server = createServer((req, res) => {
        (req as typeof req & { id: string }).id = 'req-1';
        log(req, res);
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        await fetch(`http://127.0.0.1:${port}/api/patients/42?mrn=MRN-SECRET&name=Jane`, {
          method: 'POST',
          headers: { authorization: 'Bearer token-secret', 'content-type': 'application/json' },
          body: JSON.stringify({ familyName: 'Doe-Secret' }),
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      const text = out.text();
      expect(text).toContain(format === 'pretty' ? 'POST 200 /api/patients/42' : '"path":"/api/patients/42"');
      for (const secret of ['MRN-SECRET', 'Jane', 'token-secret', 'Doe-Secret', 'authorization']) {
        expect({ format, secret, found: text.includes(secret) }).toEqual({ format, secret, found: false });
      }
    }
  });
});

describe(QuietStartupLogger.name, () => {
  function recorder() {
    const calls: [string, unknown, ...unknown[]][] = [];
    const at =
      (level: string) =>
      (message: unknown, ...params: unknown[]) =>
        calls.push([level, message, ...params]);
    return {
      calls,
      inner: {
        log: at('info'),
        error: at('error'),
        warn: at('warn'),
        debug: at('debug'),
        verbose: at('verbose'),
        fatal: at('fatal'),
      },
    };
  }

  it("should move Nest's start-up lines to debug and pass everything else as it came", () => {
    const { calls, inner } = recorder();
    const logger = new QuietStartupLogger(inner);
    logger.log('Mapped {/api/health, GET} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('HealthController {/api/health}:', 'RoutesResolver');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('seeding the demo', 'Bootstrap');
    logger.warn('a route could not be mapped', 'RouterExplorer');
    logger.error('boom', 'stack', 'InstanceLoader');
    expect(calls).toEqual([
      ['debug', 'Mapped {/api/health, GET} route', 'RouterExplorer'],
      ['debug', 'AppModule dependencies initialized', 'InstanceLoader'],
      ['debug', 'HealthController {/api/health}:', 'RoutesResolver'],
      ['debug', 'Nest application successfully started', 'NestApplication'],
      ['info', 'seeding the demo', 'Bootstrap'],
      ['warn', 'a route could not be mapped', 'RouterExplorer'],
      ['error', 'boom', 'stack', 'InstanceLoader'],
    ]);
  });
});
