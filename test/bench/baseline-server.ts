// The benchmark's baseline: what GET /api/users/me does, by hand, on raw
// node:http + pg. Same JWT check (jsonwebtoken, as @nestjs/jwt uses), same
// principal read, same audit insert, same pool size.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const [databaseUrl, port, secret] = process.argv.slice(2);
if (databaseUrl === undefined || port === undefined || secret === undefined) {
  throw new Error('usage: baseline-server <databaseUrl> <port> <jwtSecret>');
}
// Same key handling as the app (see auth.module.ts).
const key = createSecretKey(Buffer.from(secret, 'utf8'));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });

interface Claims {
  sub: string;
  sid: string;
}

const server = createServer((req, res) => {
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  void (async () => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    let claims: Claims;
    try {
      claims = jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'consilium' }) as Claims;
    } catch {
      send(401, { status: 401 });
      return;
    }
    const { rows } = await pool.query(
      `SELECT u.id, u.email, u.display_name, u.role, u.version, u.created_at, u.updated_at
         FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.sid, claims.sub],
    );
    const user = rows[0] as Record<string, unknown> | undefined;
    if (user === undefined) {
      send(401, { status: 401 });
      return;
    }
    await pool.query(
      `INSERT INTO audit_event (actor_id, actor_role, action, entity_type, entity_id, outcome, status_code, request_id, ip)
       VALUES ($1, $2, 'user.read_self', 'user', $3, 'success', 200, $4, $5)`,
      [user.id, user.role, user.id, 'baseline', req.socket.remoteAddress],
    );
    send(200, {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      role: user.role,
      active: true,
      version: user.version,
      createdAt: (user.created_at as Date).toISOString(),
      updatedAt: (user.updated_at as Date).toISOString(),
    });
  })().catch(() => send(500, { status: 500 }));
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
