// Issue 17: what a new user meets on `npm start`. The preflight says what is missing in plain
// lines with the fix; a failure at any start-up step leaves no process behind; one instance per
// DATA_DIR, a second start refuses without touching the first; a lock left by kill -9 is taken over.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../functions/local/steps.ts';
import { apiClient } from '../helpers/api.ts';
import { mapLimit } from '../helpers/contest.ts';
import { groupAlive, pathWithout, processesOf, removeTempDirs, runLocal, tempDir, waitFor } from '../helpers/local-process.ts';

// Runs after every describe's own afterAll (their servers are stopped by then).
afterAll(removeTempDirs);
import { ADMIN, freePort, startServer, type LocalServer } from '../helpers/server.ts';

/** No process of the run's group and none naming its data directory may survive. */
async function expectNothingLeft(pgid: number, dataDir: string) {
  expect(await waitFor(() => !groupAlive(pgid), 15_000), `process group ${pgid} still alive`).toBe(true);
  expect(processesOf(dataDir)).toEqual([]);
}

const NO_STACK = /^\s+at /m;

describe('preflight (npm start runs it before building anything)', () => {
  it('names a missing Java with the command that installs it, exit code 1', async () => {
    const dataDir = tempDir();
    const run = runLocal('preflight', { PATH: pathWithout(), DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toContain('npm start cannot run: Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on the PATH.');
    expect(out).toContain('Fix: Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless · macOS: brew install openjdk@17 · Windows: run the Debian/Ubuntu command inside WSL');
    expect(out).not.toMatch(NO_STACK);
  });

  it('names a Java that is too old', async () => {
    const run = runLocal('preflight', { PATH: pathWithout({ javaVersion: '11.0.2' }), DATA_DIR: tempDir(), PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("Java 17 or newer is needed to run DynamoDB Local; `java -version` says 11.");
  });

  it('names a busy port and an unwritable DATA_DIR together, each with its fix', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, r));
    const port = (busy.address() as { port: number }).port;
    const parent = tempDir();
    writeFileSync(join(parent, 'a-file'), '');
    const run = runLocal('preflight', { DATA_DIR: join(parent, 'a-file', 'data'), PORT: String(port) });
    expect(await run.exited).toBe(1);
    busy.close();
    const out = run.output();
    expect(out).toContain(`npm start cannot run: DATA_DIR ${join(parent, 'a-file', 'data')} is not writable (ENOTDIR).`);
    expect(out).toContain('Fix: Use another folder: DATA_DIR=$HOME/cuoc-thi-data npm start');
    expect(out).toContain(`npm start cannot run: Port ${port} is already in use by another program.`);
    expect(out).toContain(`Fix: Stop that program, or use another port: PORT=${port + 1} npm start`);
    expect(out).not.toMatch(NO_STACK);
  });

  it('passes on this machine', async () => {
    const run = runLocal('preflight', { DATA_DIR: tempDir(), PORT: String(await freePort()) });
    expect(await run.exited, run.output()).toBe(0);
  });

  it('npm test names a missing Chromium with its fix', async () => {
    const run = runLocal('preflight', { CHROMIUM_PATH: '/nonexistent/chromium' }, ['--test']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('npm test cannot run: The browser tests need Chromium at /nonexistent/chromium, and it is not there');
    expect(run.output()).toContain('Fix: Debian: sudo apt-get install -y chromium');
  });
});

describe('a start-up that fails leaves nothing running', () => {
  it('without Java: the plain message, nothing started', async () => {
    const dataDir = tempDir();
    const run = runLocal('main', { PATH: pathWithout(), DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('npm start cannot run: Java 17 or newer is needed');
    expect(run.output()).not.toMatch(NO_STACK);
    await expectNothingLeft(run.child.pid!, dataDir);
  });

  it('when the port is taken: the plain message, nothing left', async () => {
    const dataDir = tempDir();
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, r));
    const port = (busy.address() as { port: number }).port;
    const run = runLocal('main', { DATA_DIR: dataDir, PORT: String(port) });
    expect(await run.exited).toBe(1);
    busy.close();
    expect(run.output()).toContain(`npm start cannot run: Port ${port} is already in use by another program.`);
    expect(run.output()).not.toMatch(NO_STACK);
    await expectNothingLeft(run.child.pid!, dataDir);
  });

  it('when DynamoDB Local dies while starting (a broken Java): cognito-local is stopped too', async () => {
    const dataDir = tempDir();
    const run = runLocal('main', { PATH: pathWithout({ javaVersion: '17.0.13', javaExit: 1 }), DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('[local] DynamoDB Local exited unexpectedly (code 1');
    expect(run.output()).toContain('Error: could not open DynamoDBLocal.jar');
    await expectNothingLeft(run.child.pid!, dataDir);
  });

  // Each in a data directory and process group of its own, so they run side by side (most of each is
  // waiting for a JVM or a port).
  it.concurrent.for(STEPS)('when the "%s" step fails', async (step, { expect }) => {
    const dataDir = tempDir();
    const run = runLocal('main', { DATA_DIR: dataDir, PORT: String(await freePort()), LOCAL_FAIL_AT: step });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`[local] could not start (step "${step}"): failing on purpose after the "${step}" step`);
    expect(run.output()).toContain('[local] stopped everything it had started');
    expect(run.output()).not.toMatch(NO_STACK);
    await expectNothingLeft(run.child.pid!, dataDir);
  });
});

// Each case has a data directory of its own: they run side by side.
describe.concurrent('one instance per DATA_DIR', () => {
  const servers: LocalServer[] = [];
  afterAll(async () => {
    await mapLimit(servers, 2, (s) => s.stop());
  });

  it('a second start refuses, names the running instance, and leaves it alone', async () => {
    const dataDir = tempDir();
    const first = await startServer({ seedDemo: false, dataDir });
    servers.push(first);
    const emulators = processesOf(dataDir).sort();
    const second = runLocal('main', { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    const out = second.output();
    expect(out).toContain(`Another instance is already running on DATA_DIR ${dataDir}: pid ${first.process.pid}, http://localhost:${first.port}`);
    expect(out).toContain(`kill ${first.process.pid}`);
    expect(out).toContain('DATA_DIR=./.data-2');
    // The preflight of `npm start` says the same before building anything.
    const preflight = runLocal('preflight', { DATA_DIR: dataDir, PORT: String(first.port) });
    expect(await preflight.exited).toBe(1);
    expect(preflight.output()).toContain(`Another instance is already running on DATA_DIR ${dataDir}: pid ${first.process.pid}`);
    expect(processesOf(dataDir).sort()).toEqual(emulators);
    expect((await fetch(`${first.baseUrl}/api/health`)).status).toBe(200);
  });

  it('after a kill -9 of the server alone, the next start takes over its lock and stops its orphaned emulators', async () => {
    const dataDir = tempDir();
    const first = await startServer({ seedDemo: false, dataDir });
    const api = apiClient(first.baseUrl);
    const token = await api.login(ADMIN.email, ADMIN.password);
    expect((await api.post('/api/admin/units', { name: 'Hội Nông dân thôn Long Tro', memberCount: 40 }, token)).status).toBe(201);
    const orphans = processesOf(dataDir).filter((pid) => pid !== first.process.pid);
    expect(orphans.length).toBeGreaterThanOrEqual(2);
    process.kill(first.process.pid!, 'SIGKILL');
    await waitFor(() => first.process.exitCode !== null || first.process.signalCode !== null);

    const second = await startServer({ seedDemo: false, dataDir });
    servers.push(second);
    expect(orphans.filter((pid) => processesOf(dataDir).includes(pid))).toEqual([]);
    const api2 = apiClient(second.baseUrl);
    const token2 = await api2.login(ADMIN.email, ADMIN.password);
    expect((await api2.get('/api/units', token2)).body.items.map((u: { name: string }) => u.name)).toContain('Hội Nông dân thôn Long Tro');
  });

  it('a lock naming a pid that is now another program is stale', async () => {
    const dataDir = tempDir();
    // This test runner's own pid: alive, but not a local server.
    writeFileSync(join(dataDir, 'server.lock'), JSON.stringify({ pid: process.pid, port: 1, startedAt: '2026-01-01T00:00:00.000Z', dataDir }));
    const run = runLocal('main', { DATA_DIR: dataDir, PORT: String(await freePort()) });
    await run.ready;
    expect(run.output()).toContain(`the lock of pid ${process.pid} was stale`);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await expectNothingLeft(run.child.pid!, dataDir);
  });
});
