import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded PostgreSQL running on a data folder, if one is: PostgreSQL's
 * own lock file (`postmaster.pid`: pid, folder, start time, port, …) names its
 * process and port. A tool run beside `npm start` (or a second start) uses
 * that server instead of starting one, and leaves it running; the port comes
 * from the lock file, so it is found even when the tool's EMBEDDED_PG_PORT
 * differs from the app's.
 */
export async function runningEmbeddedServer(pgDataDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(port) || port <= 0) return undefined;
  return processAlive(pid) ? { pid, port } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user (root runs PostgreSQL as "postgres").
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
