import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config.js';

/** Browsers may open the socket only from an allowed origin (or the server's own); other clients send none. */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, allowed: string[] | '*'): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed === '*' || allowed.includes(origin)) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * The pool as the adapter sees it. Its LISTEN client gets an error handler
 * (the adapter listens only for 'end', so a dropped connection would
 * otherwise crash the process; after 'end' it reconnects), and a client that
 * arrives after the server closed is destroyed and never handed over (the
 * adapter cannot release a client it receives after its own close). The
 * clients it holds are tracked, so that closing can destroy what the adapter
 * could not give back (PostgreSQL already gone, as when Ctrl+C reaches the
 * embedded server with the app): otherwise `pool.end()` waits for them forever.
 */
function adapterPool(pool: pg.Pool, closed: () => boolean, held: Set<pg.PoolClient>): pg.Pool {
  return {
    query: pool.query.bind(pool),
    connect: async (): Promise<pg.PoolClient> => {
      const client = await pool.connect();
      client.on('error', () => undefined);
      if (closed()) {
        client.release(true);
        return new Promise<pg.PoolClient>(() => undefined);
      }
      const release = client.release.bind(client);
      let released = false;
      // Released once, by the adapter or by close(), whichever comes first.
      client.release = (destroy?: boolean | Error) => {
        if (released) return;
        released = true;
        held.delete(client);
        release(destroy);
      };
      held.add(client);
      return client;
    },
  } as unknown as pg.Pool;
}

/**
 * socket.io for the `/board` namespace: Origin allow-list, small frames,
 * no client bundle, and `@socket.io/postgres-adapter` so rooms and presence
 * span every instance on the same database.
 */
export class BoardIoAdapter extends IoAdapter {
  private pool: pg.Pool | undefined;
  private closing = false;
  /** Clients the postgres adapter holds (its LISTEN connection among them). */
  private readonly held = new Set<pg.PoolClient>();
  /** Connections upgraded to websockets: the HTTP server's close waits for them, and no longer tracks them. */
  private readonly upgraded = new Set<Duplex>();
  private tracking = false;

  constructor(private readonly appContext: INestApplicationContext) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const config = this.appContext.get(AppConfig);
    const allowed = config.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: 64 * 1024,
      cors: { origin: allowed === '*' ? true : allowed, credentials: false },
      allowRequest: (req, callback) => callback(null, originAllowed(req, allowed)),
    } as ServerOptions);
    this.trackUpgrades();
    const pool = new pg.Pool({ connectionString: config.database.url, max: 3 });
    pool.on('error', () => undefined); // idle clients that drop are replaced
    this.pool = pool;
    server.adapter(
      createAdapter(
        adapterPool(pool, () => this.closing, this.held),
        { errorHandler: () => undefined },
      ),
    );
    return server;
  }

  private trackUpgrades(): void {
    const httpServer = this.httpServer as HttpServer | undefined;
    if (this.tracking || httpServer === undefined) return;
    this.tracking = true;
    httpServer.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
    });
  }

  override async close(server: Server): Promise<void> {
    this.closing = true;
    // socket.io tells every client to disconnect; a client that does not answer the
    // close handshake (frozen, or gone without a FIN) is cut after the drain period,
    // instead of holding the HTTP server's close until the shutdown timeout.
    const cut = setTimeout(() => {
      for (const socket of this.upgraded) socket.destroy();
    }, this.appContext.get(AppConfig).shutdownGraceMs);
    try {
      await super.close(server);
    } finally {
      clearTimeout(cut);
    }
    const pool = this.pool;
    this.pool = undefined;
    // What the adapter still holds after its close (it could not reach the database) is destroyed here.
    for (const client of [...this.held]) client.release(true);
    await pool?.end().catch(() => undefined);
  }
}
