// The load generator of bench:board, run in its own process:
//   node board-load.js '<json config>'
// CLIENTS socket.io clients join one session; POSTERS of them post
// RATE messages per second in total for SECONDS; every client timestamps
// every message it receives. Prints one JSON result line.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface Config {
  url: string;
  sessionId: string;
  /** One token per client (repeats allowed). */
  tokens: string[];
  posters: number;
  rate: number;
  seconds: number;
}

interface Received {
  type: string;
  payload: { body?: string };
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const now = (): number => performance.timeOrigin + performance.now();

function connect(token: string): Promise<Socket> {
  const socket = io(`${config.url}/board`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function main(): Promise<void> {
  const latencies: number[] = [];
  const received: Set<string>[] = [];
  const clients: Socket[] = [];
  for (const [i, token] of config.tokens.entries()) {
    const socket = await connect(token);
    const mine = new Set<string>();
    received.push(mine);
    socket.on('event', (e: Received) => {
      if (e.type !== 'message.posted' || e.payload.body === undefined) return;
      const [tag, sentAt] = e.payload.body.split(' ');
      if (tag === undefined || !tag.startsWith('bench:') || mine.has(tag)) return;
      mine.add(tag);
      latencies.push(now() - Number(sentAt));
    });
    const ack = (await socket.timeout(10_000).emitWithAck('session:join', { sessionId: config.sessionId })) as {
      error?: unknown;
    };
    if (ack.error !== undefined) throw new Error(`client ${i} could not join: ${JSON.stringify(ack.error)}`);
    clients.push(socket);
  }

  let sent = 0;
  let acked = 0;
  let failed = 0;
  const interval = (1000 * config.posters) / config.rate;
  const deadline = now() + config.seconds * 1000;
  await Promise.all(
    clients.slice(0, config.posters).map(async (poster, p) => {
      let seq = 0;
      let next = now() + (interval * p) / config.posters;
      while (next < deadline) {
        const wait = next - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const tag = `bench:${p}:${seq++}`;
        sent++;
        poster
          .timeout(10_000)
          .emitWithAck('message:post', { sessionId: config.sessionId, body: `${tag} ${now()}`, clientMsgId: tag })
          .then(
            (ack: { error?: unknown }) => (ack.error === undefined ? acked++ : failed++),
            () => failed++,
          );
        next += interval;
      }
    }),
  );
  // Let delivery finish: every client should get every acknowledged message.
  const settle = now() + 15_000;
  while (now() < settle && (acked + failed < sent || received.some((r) => r.size < acked)))
    await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  process.stdout.write(
    `${JSON.stringify({
      sent,
      acked,
      failed,
      minReceived: Math.min(...received.map((r) => r.size)),
      missing: received.reduce((n, r) => n + Math.max(0, acked - r.size), 0),
      p50: at(0.5),
      p99: at(0.99),
      samples: latencies.length,
      // Deliveries per 0.1 ms of latency, so that runs can be pooled.
      histogram: latencies.reduce<Record<number, number>>((h, l) => {
        const bucket = Math.round(l * 10);
        h[bucket] = (h[bucket] ?? 0) + 1;
        return h;
      }, {}),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
