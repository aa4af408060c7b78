// Child processes of the local mode: started with the server, stopped with it, and cleaned up
// on the next start if a kill -9 of the server alone left them orphaned.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

const children = new Set<ChildProcess>();

export function startChild(name: string, command: string, args: string[], options: SpawnOptions & { logFile?: string }): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`[local] ${name} exited unexpectedly (code ${code}, signal ${signal})\n${tail.join('').slice(-2000)}`);
      process.exitCode = 1;
      void stopAll().then(() => process.exit(1));
    }
  });
  children.add(child);
  return child;
}

let stopping = false;

export async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Records child pids so the next start can stop leftovers that would hold the data files. */
export function writePidFile(dataDir: string): void {
  writeFileSync(join(dataDir, 'children.pid'), JSON.stringify([...children].map((c) => c.pid).filter(Boolean)));
}

export function killLeftovers(dataDir: string): void {
  let pids: number[] = [];
  try {
    pids = JSON.parse(readFileSync(join(dataDir, 'children.pid'), 'utf8')) as number[];
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      // Only our own leftovers: the command line must still point at this data directory.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = (() => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'utf8');
        } catch {
          return '';
        }
      })();
      if (cmdline.includes(dataDir) || environ.includes(`LOCAL_DATA_DIR=${dataDir}`)) process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function freePort(preferred?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => (preferred ? freePort().then(resolve, reject) : reject(new Error('no free port'))));
    server.listen(preferred ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
}
