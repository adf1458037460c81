// bench:board's baseline: a bare socket.io server doing what a board post
// must at least do — one INSERT into the event log, then a broadcast to the
// session's room — with the same join/post protocol and no auth, audit,
// membership check or log-driven delivery.
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';

const [databaseUrl, port] = process.argv.slice(2);
if (databaseUrl === undefined || port === undefined)
  throw new Error('usage: baseline-board-server <databaseUrl> <port>');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const http = createServer((_req, res) => res.end('ok'));
const io = new Server(http, { serveClient: false });

io.of('/board').on('connection', (socket) => {
  socket.on('session:join', (payload: { sessionId: string }, ack: (r: unknown) => void) => {
    void socket.join(`session:${payload.sessionId}`);
    ack({ events: [] });
  });
  socket.on(
    'message:post',
    (payload: { sessionId: string; body: string; clientMsgId: string }, ack: (r: unknown) => void) => {
      void (async () => {
        const { rows } = await pool.query<{ id: string; at: Date }>(
          `INSERT INTO board_event (session_id, type, payload) VALUES ($1, 'message.posted', $2) RETURNING id::text AS id, at`,
          [payload.sessionId, JSON.stringify({ body: payload.body, clientMsgId: payload.clientMsgId })],
        );
        const row = rows[0];
        io.of('/board')
          .to(`session:${payload.sessionId}`)
          .emit('event', {
            id: row.id,
            sessionId: payload.sessionId,
            caseId: null,
            type: 'message.posted',
            payload: { body: payload.body, clientMsgId: payload.clientMsgId },
            actor: null,
            at: row.at.toISOString(),
          });
        ack({ id: row.id });
      })().catch((error: unknown) => ack({ error: String(error) }));
    },
  );
});

http.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  void io.close();
  void pool.end().then(() => process.exit(0));
});
