// Child processes of the local mode: started with the server, stopped with it, and cleaned up
// on the next start if a kill -9 of the server alone left them orphaned.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { isLocalServer } from './lock.ts';

const children = new Set<ChildProcess>();

/** Called when a child dies on its own (after start-up too); main.ts stops everything and exits. */
let onChildDied: (message: string) => void = (message) => {
  console.error(message);
  process.exitCode = 1;
  void stopAll().then(() => process.exit(1));
};
export function whenChildDies(handler: (message: string) => void): void {
  onChildDied = handler;
}

let pidFile: string | undefined;

export function startChild(name: string, command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const died = (how: string) => {
    if (!children.delete(child)) return;
    if (!stopping) onChildDied(`[local] ${name} ${how}${tail.length ? `\n${tail.join('').slice(-2000)}` : ''}`);
  };
  // A command that cannot be started (no java on the PATH) emits 'error' instead of 'exit'.
  child.on('error', (e) => died(`could not be started: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  // 'close', not 'exit': its last words are read by then.
  child.on('close', (code, signal) => died(`exited unexpectedly (code ${code}, signal ${signal})`));
  children.add(child);
  recordChildren();
  return child;
}

/** Whether a started child is gone (it failed to start or exited). */
export const isGone = (child: ChildProcess) => !children.has(child);

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

/**
 * Child pids go to `children.pid` with the server's own pid as each child starts, so the next start
 * can stop children a kill -9 of the server alone left holding the data files, and only those.
 */
export function recordChildrenIn(dataDir: string): void {
  pidFile = join(dataDir, 'children.pid');
  recordChildren();
}

function recordChildren() {
  if (!pidFile) return;
  writeFileSync(pidFile, JSON.stringify({ owner: process.pid, children: [...children].map((c) => c.pid).filter(Boolean) }));
}

/**
 * Kills children left by a previous server of this data directory, once its owner is dead (the
 * caller holds the lock, so no live server owns them) and only processes that are still DynamoDB
 * Local or cognito-local of this data directory: a recorded pid may belong to anything by now.
 */
export function killLeftovers(dataDir: string): number[] {
  let recorded: { owner?: number; children?: number[] } | number[];
  try {
    recorded = JSON.parse(readFileSync(join(dataDir, 'children.pid'), 'utf8'));
  } catch {
    return [];
  }
  const { owner, children: pids = [] } = Array.isArray(recorded) ? { children: recorded } : recorded;
  if (owner !== undefined && owner !== process.pid && isLocalServer(owner)) return [];
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = (() => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'utf8');
        } catch {
          return '';
        }
      })();
      if (cmdline.includes(dataDir) || environ.includes(`LOCAL_DATA_DIR=${dataDir}`)) {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      }
    } catch {
      /* already gone */
    }
  }
  return killed;
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

export async function waitForPort(port: number, timeoutMs: number, what: string, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && isGone(child)) throw new Error(`${what} stopped before it was ready`);
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
