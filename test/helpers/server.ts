// Starts the real local mode (`functions/local/main.ts`, what `npm start` runs) as its own
// process group on free ports with a temporary data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocalServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  ready: { dynamoEndpoint: string; cognitoEndpoint: string; userPoolId: string; clientId: string; ms: number };
  process: ChildProcess;
  /** SIGTERM and wait; removes the data directory unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** kill -9 of the whole process group (server, DynamoDB Local, cognito-local). */
  kill9(): Promise<void>;
}

export const ADMIN = { email: 'admin@example.com', password: 'Admin@123456' };

/**
 * The environment a Lambda handler or bundle needs to run against this server's emulators, in this
 * process or another (the adapters read it at load: set it before importing them).
 */
export function functionEnv(server: LocalServer): Record<string, string> {
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
      ...options.env,
    },
  });
  let output = '';
  const ready = await new Promise<LocalServer['ready']>((res, rej) => {
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
    process: child,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await waitGroupGone();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill9() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await waitGroupGone();
    },
  };
}
