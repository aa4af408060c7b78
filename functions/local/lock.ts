// One local instance per DATA_DIR: `server.lock` holds the running server's pid and port. A second
// start finds it and refuses, naming the instance; a lock whose pid is gone, or belongs to another
// program now (pids are reused), was left by a kill -9 and is taken over.
import { spawnSync } from 'node:child_process';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  port: number;
  startedAt: string;
  dataDir: string;
}

/** What the command line of a lock holder contains: the server (`npm start`, tests, the bench) or `npm run demo:remove`. */
const HOLDER = /functions\/local\/(main|demo-remove)\.ts/;

export const lockPath = (dataDir: string) => join(dataDir, 'server.lock');

function read(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of a process, or undefined when there is no such process. */
export function commandLine(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // No /proc (macOS): ask ps.
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : undefined;
  }
}

/** Whether `pid` is a live local server (of this project), not a dead one or a reused pid. */
export function isLocalServer(pid: number): boolean {
  return pid !== process.pid && HOLDER.test(commandLine(pid) ?? '');
}

/** The instance running on this data directory, if any. */
export function runningInstance(dataDir: string): LockInfo | undefined {
  const info = read(lockPath(dataDir));
  return info && isLocalServer(info.pid) ? info : undefined;
}

export function describeInstance(info: LockInfo): string {
  return [
    `Another instance is already running on DATA_DIR ${info.dataDir}: pid ${info.pid}, http://localhost:${info.port} (since ${info.startedAt}).`,
    `  Use it, stop it (Ctrl-C in its terminal, or: kill ${info.pid}), or start another with its own data: DATA_DIR=./.data-2 PORT=${info.port + 1} npm start`,
  ].join('\n');
}

export type Acquired = { ok: true; release(): void; tookOver?: LockInfo } | { ok: false; holder: LockInfo };

/**
 * Takes the lock, or reports who holds it. A stale lock is first renamed aside (atomic), so of two
 * starts racing for it one wins; the other finds the winner's fresh lock and refuses.
 */
export function acquireLock(dataDir: string, port: number): Acquired {
  const path = lockPath(dataDir);
  const mine: LockInfo = { pid: process.pid, port, startedAt: new Date().toISOString(), dataDir };
  let tookOver: LockInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx' });
      return {
        ok: true,
        tookOver,
        release() {
          if (read(path)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = read(path);
    if (holder && isLocalServer(holder.pid)) return { ok: false, holder };
    const aside = `${path}.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // another start moved it first
      throw e;
    }
    const moved = read(aside);
    if (moved && isLocalServer(moved.pid)) {
      // A racing start had taken it over between our read and rename: put its lock back.
      try {
        linkSync(aside, path);
      } catch {
        /* a third start holds it now */
      }
      unlinkSync(aside);
      return { ok: false, holder: moved };
    }
    unlinkSync(aside);
    tookOver = moved ?? holder;
  }
  throw new Error(`could not take ${path}`);
}
