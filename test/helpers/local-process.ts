// Runs functions/local/main.ts (or the preflight script) as its own process group, waits for it to
// exit or get ready, and tells which processes of a data directory are still alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');

export interface Run {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Resolves when READY was printed, rejects if it exits first. */
  ready: Promise<void>;
}

export function runLocal(script: 'main' | 'preflight' | 'demo-remove', env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, `functions/local/${script}.ts`), ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'Admin@123456', SEED_DEMO: '0', ...env },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const ready = new Promise<void>((res, rej) => {
    const check = () => {
      if (out.includes('\nREADY ') || out.startsWith('READY ')) res();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => rej(new Error(`exited with ${code} before READY:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, exited, ready };
}

/** Whether any process of the group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line or environment names `dataDir` (the emulators of a data directory). */
export function processesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      let environ = '';
      try {
        environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      } catch {
        /* not ours to read */
      }
      if (cmdline.includes(dataDir) || environ.includes(`LOCAL_DATA_DIR=${dataDir}`) || environ.includes(`DATA_DIR=${dataDir}\0`)) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

/** Waits until `check` holds or `timeoutMs` passes; returns the last result. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return check();
}

/**
 * A PATH with only `node` on it (and, when given, a fake `java` printing `javaVersion` for -version
 * and otherwise exiting with `javaExit`): a machine without Java, or with the wrong one.
 */
export function pathWithout(options: { javaVersion?: string; javaExit?: number } = {}): string {
  const dir = tempDir('cuoc-thi-path-');
  symlinkSync(process.execPath, join(dir, 'node'));
  if (options.javaVersion) {
    writeFileSync(
      join(dir, 'java'),
      `#!/bin/sh\nif [ "$1" = "-version" ]; then echo 'openjdk version "${options.javaVersion}" 2024-01-16' >&2; exit 0; fi\necho 'Error: could not open DynamoDBLocal.jar' >&2\nexit ${options.javaExit ?? 1}\n`,
    );
    chmodSync(join(dir, 'java'), 0o755);
  }
  return dir;
}

const made: string[] = [];

export function tempDir(prefix = 'cuoc-thi-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir() and pathWithout() made (call once the processes using them are gone). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
