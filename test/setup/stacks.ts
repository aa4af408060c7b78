// Global setup of the integration and browser projects: a small broker in vitest's main process
// that boots one local stack per worker slot on first use and stops them all when the run ends.
//
// - A test file asks for its worker's stack with sharedServer() (test/helpers/shared-server.ts).
//   Vitest never runs two files on the same worker slot (VITEST_POOL_ID) at once, so files on one
//   stack follow each other and a file never sees another one's requests in flight.
// - startServer() stacks (kill -9, restarts, their own env) register here too: whatever a failed
//   or timed-out test leaves behind is killed with its whole process group at teardown, and on
//   any exit of this process.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { SHARED_ENV, STACK_BROKER_ENV, startServer, type LocalServer, type SharedStack } from '../helpers/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stackBroker: string;
  }
}

interface Broker {
  url: string;
  users: number;
  close(): Promise<void>;
}

const KEY = Symbol.for('cuoc-thi.stack-broker');
const shared = globalThis as typeof globalThis & { [KEY]?: Promise<Broker> };

/** Process groups and data dirs handed out by startServer() in the workers, until they stop. */
const owned = new Map<number, string | undefined>();

function killGroup(pgid: number) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => res(text));
    req.on('error', rej);
  });
}

async function startBroker(): Promise<Broker> {
  const stacks = new Map<string, Promise<LocalServer>>();
  const describe = (s: LocalServer): SharedStack => ({ baseUrl: s.baseUrl, port: s.port, dataDir: s.dataDir, ready: s.ready, clockFile: s.clockFile, pid: s.pid });

  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const [, kind, id] = (req.url ?? '').split('/');
    (async () => {
      if (req.method === 'GET' && kind === 'stack' && id) {
        // One boot per slot, however many files ask at once; a failed boot is retried by the next file.
        let stack = stacks.get(id);
        if (!stack) {
          // Once more when a boot fails: on a loaded machine a JVM can miss its 60 s to open a port,
          // and a whole worker's files should not fail for it. Two failures are reported.
          const boot = () => startServer({ seedDemo: true, env: SHARED_ENV });
          stack = boot().catch(boot);
          stacks.set(id, stack);
          stack.catch(() => stacks.delete(id));
        }
        return answer(200, describe(await stack));
      }
      if (req.method === 'POST' && kind === 'own' && id) {
        owned.set(Number(id), JSON.parse((await readBody(req)) || '{}').dataDir);
        return answer(204, null);
      }
      if (req.method === 'DELETE' && kind === 'own' && id) {
        owned.delete(Number(id));
        return answer(204, null);
      }
      answer(404, { error: 'unknown' });
    })().catch((error: Error) => answer(500, { error: error.message }));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  // The safety net: nothing of ours outlives vitest, even when it ends on an error or a signal.
  const killAll = () => {
    for (const pgid of owned.keys()) killGroup(pgid);
  };
  process.once('exit', killAll);

  // Workers find the broker through the environment (startServer() also runs outside vitest).
  process.env[STACK_BROKER_ENV] = url;

  return {
    url,
    users: 0,
    async close() {
      server.closeAllConnections();
      server.close();
      const booted = await Promise.allSettled(stacks.values());
      await Promise.all(booted.map((b) => (b.status === 'fulfilled' ? b.value.stop() : undefined)));
      // Stacks of startServer() that a failed test never stopped.
      for (const [pgid, dataDir] of owned) {
        killGroup(pgid);
        if (dataDir) for (const path of [dataDir, `${dataDir}.clock`]) rmSync(path, { recursive: true, force: true });
      }
      owned.clear();
      process.off('exit', killAll);
      delete process.env[STACK_BROKER_ENV];
    },
  };
}

export default async function setup(project: TestProject) {
  // The integration and browser projects both list this file: they share one broker.
  const broker = await (shared[KEY] ??= startBroker());
  broker.users++;
  project.provide('stackBroker', broker.url);
  return async () => {
    if (--broker.users > 0) return;
    delete shared[KEY];
    await broker.close();
  };
}
