// Starts the real local mode (`functions/local/main.ts`, what `npm start` runs) as its own
// process group on free ports with a temporary data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocalServer {
  /** The server process, leader of the stack's process group. */
  pid: number;
  baseUrl: string;
  port: number;
  dataDir: string;
  ready: { dynamoEndpoint: string; cognitoEndpoint: string; userPoolId: string; clientId: string; ms: number };
  /** The server's clock offset (see moveServerClock). */
  clockFile: string;
  process: ChildProcess;
  /** SIGTERM and wait; removes the data directory unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** kill -9 of the whole process group (server, DynamoDB Local, cognito-local). */
  kill9(): Promise<void>;
}

export const ADMIN = { email: 'admin@example.com', password: 'Admin@123456' };

/** What a test needs of a running stack, its own (startServer) or its worker's (sharedServer). */
export type Stack = Pick<LocalServer, 'pid' | 'baseUrl' | 'port' | 'dataDir' | 'ready' | 'clockFile'>;

/** A worker's shared stack as the broker (test/setup/stacks.ts) describes it. */
export type SharedStack = Stack;

/**
 * The environment of the shared stacks: the demo seeded (some tests read it), and the per-address
 * limits out of the way, since every file of a worker comes from 127.0.0.1 within a few minutes.
 * The limits themselves are tested on stacks of their own (abuse.test.ts).
 */
export const SHARED_ENV = { START_RATE_PER_MINUTE: '1000000', LOGIN_FAILURES_PER_MINUTE: '1000000', ROUND_FINALIZE_INTERVAL_MS: '1000' };

/** Where the run's stack broker listens, when there is one (under vitest). */
export const STACK_BROKER_ENV = 'CUOC_THI_STACK_BROKER';

/** Tells the broker about a process group, so a test that fails before stop() cannot leak it. */
async function track(method: 'POST' | 'DELETE', pgid: number, dataDir?: string) {
  const broker = process.env[STACK_BROKER_ENV];
  if (!broker) return;
  try {
    await fetch(`${broker}/own/${pgid}`, { method, body: method === 'POST' ? JSON.stringify({ dataDir }) : undefined });
  } catch {
    /* the broker is gone: the run is ending */
  }
}

/**
 * The environment a Lambda handler or bundle needs to run against this server's emulators, in this
 * process or another (the adapters read it at load: set it before importing them).
 */
export function functionEnv(server: Pick<Stack, 'ready'>): Record<string, string> {
  return {
    TABLE_NAME: 'cuoc-thi',
    DYNAMODB_ENDPOINT: server.ready.dynamoEndpoint,
    USER_POOL_ID: server.ready.userPoolId,
    USER_POOL_CLIENT_ID: server.ready.clientId,
    COGNITO_ENDPOINT: server.ready.cognitoEndpoint,
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}
const root = resolve(import.meta.dirname, '..', '..');
const clockPreload = join(import.meta.dirname, 'server-clock.mjs');

/**
 * Moves a stack's clock `ms` forward (what its handlers read as now; its timers keep real time),
 * instead of waiting for a deadline or a calendar minute; a negative `ms` moves it back. Returns
 * once the server tells the new time (`serverNow` of a published contest, the demo one by
 * default). On a shared stack, move it back when the test is done (onTestFinished): the next
 * files compare the server's times with their own clock.
 */
export async function moveServerClock(stack: Stack, ms: number, probeContestId = 'cchc-2024'): Promise<void> {
  let offset = 0;
  try {
    offset = Number(readFileSync(stack.clockFile, 'utf8')) || 0;
  } catch {
    /* not moved yet */
  }
  offset += ms;
  writeFileSync(stack.clockFile, String(offset));
  process.kill(stack.pid, 'SIGUSR2');
  for (let i = 0; ; i++) {
    if (Math.abs((await serverNow(stack, probeContestId)) - Date.now() - offset) < 1_000) return;
    if (i === 50) throw new Error(`moveServerClock: the server did not take the offset ${offset} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the stack reads as now (ms), as a published contest's `serverNow` tells it (the demo one by default). */
export async function serverNow(stack: Pick<Stack, 'baseUrl'>, probeContestId = 'cchc-2024'): Promise<number> {
  const body = (await (await fetch(`${stack.baseUrl}/api/contests/${probeContestId}`)).json()) as { serverNow?: string };
  if (!body.serverNow) throw new Error(`no serverNow from contest ${probeContestId}: ${JSON.stringify(body)}`);
  return Date.parse(body.serverNow);
}

/**
 * Fixed windows (the per-address limits) are calendar minutes of the server's clock. With fewer than
 * `needSec` seconds left in the current one, moves the clock on to the next minute (no wait), so
 * what follows cannot straddle two.
 */
export async function earlyInAMinute(stack: Stack, needSec: number, probeContestId = 'cchc-2024'): Promise<void> {
  const left = 60 - ((await serverNow(stack, probeContestId)) / 1000) % 60;
  if (left < needSec) await moveServerClock(stack, Math.ceil(left * 1000) + 200, probeContestId);
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export async function startServer(options: { seedDemo?: boolean; dataDir?: string; env?: Record<string, string> } = {}): Promise<LocalServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cuoc-thi-'));
  const port = await freePort();
  // Beside the data, not in it: the local mode owns what is in DATA_DIR.
  const clockFile = `${dataDir.replace(/\/+$/, '')}.clock`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'functions/local/main.ts')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SEED_DEMO: options.seedDemo === false ? '0' : '1',
      // The closed demo contest with its simulated participants costs each start ~1 s: tests that want it pass SEED_DEMO_PAST=1.
      SEED_DEMO_PAST: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${clockPreload}`.trim(),
      TEST_CLOCK_FILE: clockFile,
      ...options.env,
    },
  });
  let output = '';
  const booting = new Promise<LocalServer['ready']>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`local server not ready in 120 s:\n${output}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        res(JSON.parse(line.slice(6)));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`local server exited with ${code}:\n${output}`));
    });
  });
  await track('POST', child.pid!, options.dataDir ? undefined : dataDir);
  let ready: LocalServer['ready'];
  try {
    ready = await booting;
  } catch (error) {
    // A stack that did not come up is not left half-started.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* exited already */
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    rmSync(clockFile, { force: true });
    await track('DELETE', child.pid!);
    throw error;
  }
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const waitGroupGone = async () => {
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(-child.pid!, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    ready,
    clockFile,
    pid: child.pid!,
    process: child,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await waitGroupGone();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (!keepData) rmSync(clockFile, { force: true });
      await track('DELETE', child.pid!);
    },
    async kill9() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await waitGroupGone();
      await track('DELETE', child.pid!);
    },
  };
}
