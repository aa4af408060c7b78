// `npm start`: the whole platform on one machine. DynamoDB Local and cognito-local run as child
// processes; the very Lambda handlers answer /api through a local API Gateway; web/dist is served.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionGroup } from '../adapters/http/routes.ts';
import { ensureAdmin, startCognitoLocal } from './cognito-local.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createGateway } from './gateway.ts';
import { createFileDownload, EXPORT_BUCKET, FILES_PATH, startS3Local } from './files.ts';
import { startRetentionTimer, startRoundTimer } from './schedule.ts';
import { acquireLock, describeInstance } from './lock.ts';
import { checkDataDir, checkJava, checkNode, format, portProblem, type Problem } from './preflight.ts';
import { freePort, killLeftovers, recordChildrenIn, stopAll, whenChildDies } from './processes.ts';
import { createSharePage, isSharePage } from './share.ts';
import { createStatic } from './static.ts';
import type { Step } from './steps.ts';
import { ensureTable } from './table.ts';

const started = Date.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULTS = {
  PORT: '3000',
  DATA_DIR: './.data',
  ADMIN_EMAIL: 'admin@example.com',
  ADMIN_PASSWORD: 'Admin@123456',
  TABLE_NAME: 'cuoc-thi',
};

const env = (name: keyof typeof DEFAULTS) => process.env[name] || DEFAULTS[name];
const port = Number(env('PORT'));
const dataDir = resolve(env('DATA_DIR'));
const adminEmail = env('ADMIN_EMAIL').toLowerCase();
const adminPassword = env('ADMIN_PASSWORD');
const tableName = env('TABLE_NAME');
const seedDemo = process.env.SEED_DEMO !== '0';

// The emulators accept any credentials; the SDK only needs some to sign with.
process.env.AWS_REGION ??= 'ap-southeast-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.LOG_LEVEL ?? 'WARN';

let current: Step | 'checks' | 'running' = 'checks';

async function step<T>(name: Step, run: () => Promise<T> | T): Promise<T> {
  current = name;
  try {
    const out = await run();
    if (process.env.LOCAL_FAIL_AT === name) throw new Error(`failing on purpose after the "${name}" step (LOCAL_FAIL_AT)`);
    return out;
  } catch (e) {
    // Steps run side by side (the two emulators): the error names its own.
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { step: (e as { step?: Step }).step ?? name });
  }
}

// Everything started so far, undone by stop() on any failure or signal: no child outlives the server.
let releaseLock: (() => void) | undefined;
let streams: { stop(): Promise<void> } | undefined;
let stopRetention: (() => void) | undefined;
let stopRounds: (() => void) | undefined;
let jobRunner: { stop(): Promise<void> } | undefined;
const server = createServer();
let stopping: Promise<never> | undefined;

function stop(code: number, message?: string): Promise<never> {
  stopping ??= (async () => {
    if (message) console.error(message);
    server.close();
    server.closeAllConnections();
    stopRetention?.();
    stopRounds?.();
    await jobRunner?.stop().catch(() => undefined);
    await streams?.stop().catch(() => undefined);
    await stopAll();
    releaseLock?.();
    process.exit(code);
  })();
  return stopping;
}

const refuse = (problems: Problem[]) => stop(1, format('npm start', problems));

async function main() {
  const problems = [checkNode(), checkJava(), checkDataDir(dataDir)].filter((p): p is Problem => p !== undefined);
  if (problems.length) return refuse(problems);

  await step('lock', () => {
    const lock = acquireLock(dataDir, port);
    if (!lock.ok) return stop(1, describeInstance(lock.holder));
    releaseLock = lock.release;
    if (lock.tookOver) console.log(`[local] the lock of pid ${lock.tookOver.pid} was stale (that server is gone): taken over`);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.log(`[local] ${signal}: stopping`);
      void stop(0);
    });
  }
  whenChildDies((message) => void stop(1, message));

  // The port is taken first, so nothing else can take it while the emulators start; until the app
  // is ready every request gets a 503 asking to retry.
  let app: RequestListener | undefined;
  server.on('request', (req, res) => {
    if (app) return app(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end('{"error":{"code":"STARTING","message":"The server is starting, try again in a moment","details":null}}');
  });
  server.keepAliveTimeout = 65_000;
  await step('listen', async () => {
    try {
      await new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(port, resolveListen);
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return refuse([portProblem(port)]);
      throw e;
    }
  });

  const leftovers = killLeftovers(dataDir);
  if (leftovers.length) console.log(`[local] stopped ${leftovers.length} emulator(s) left running by a server that was killed: pid ${leftovers.join(', ')}`);
  recordChildrenIn(dataDir);

  // Reuse the emulator ports of the last run when free, so staff tokens survive a restart.
  const portsFile = join(dataDir, 'ports.json');
  let savedPorts: { dynamodb?: number; cognito?: number; s3?: number } = {};
  try {
    savedPorts = JSON.parse(readFileSync(portsFile, 'utf8'));
  } catch {
    /* first run */
  }
  const [dynamoPort, cognitoPort, s3Port] = [await freePort(savedPorts.dynamodb), await freePort(savedPorts.cognito), await freePort(savedPorts.s3)];
  writeFileSync(portsFile, JSON.stringify({ dynamodb: dynamoPort, cognito: cognitoPort, s3: s3Port }));
  const [dynamoEndpoint, cognito, s3Endpoint] = await Promise.all([
    step('dynamodb', () => startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: dynamoPort, heap: process.env.DYNAMODB_HEAP })),
    step('cognito', () => startCognitoLocal({ dataDir: join(dataDir, 'cognito'), port: cognitoPort })),
    step('s3', () => startS3Local({ dataDir: join(dataDir, 's3'), port: s3Port })),
  ]);
  const streamArn = await step('table', () => ensureTable(dynamoEndpoint, tableName));

  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    USER_POOL_ID: cognito.userPoolId,
    USER_POOL_CLIENT_ID: cognito.clientId,
    COGNITO_ENDPOINT: cognito.endpoint,
    // Exports: the emulator stores them; links are signed for this server's /_files/ path (files.ts).
    EXPORT_BUCKET,
    S3_ENDPOINT: s3Endpoint,
    S3_PUBLIC_ENDPOINT: `${process.env.PUBLIC_ORIGIN ?? `http://localhost:${port}`}${FILES_PATH}`,
  });

  // Data written by an earlier release is brought to the current layout before anything reads it.
  await step('migrate', async () => (await import('../migrations/runner.ts')).runMigrations({ tableName }));
  const adminId = await step('admin', () => ensureAdmin(cognito, adminEmail, adminPassword));
  // Imported only now: the adapters read their configuration from the environment at load time.
  await step('seed', async () => (await import('./seed.ts')).seed({ admin: { id: adminId, email: adminEmail }, demo: seedDemo, demoPast: process.env.SEED_DEMO_PAST !== '0' }));

  // The aggregate counters follow the table's stream, as on AWS (handlers/stream.ts).
  await step('streams', async () => {
    const { startStreamPoller } = await import('./streams.ts');
    streams = startStreamPoller({
      endpoint: dynamoEndpoint,
      streamArn,
      handler: (await import('../handlers/stream.ts')).handler,
      positionFile: join(dataDir, 'stream-positions.json'),
    });
  });

  // Background jobs run in this process (the SQS worker on AWS); unfinished ones resume now.
  await step('jobs', async () => {
    const { jobCases } = await import('../handlers/composition-jobs.ts');
    const { jobStore } = await import('../adapters/dynamodb/jobs.ts');
    const { startJobRunner } = await import('./jobs.ts');
    jobRunner = startJobRunner({ run: (id) => jobCases.run(id), active: () => jobStore.active() });
  });

  const serveFiles = createFileDownload({ publicEndpoint: process.env.S3_PUBLIC_ENDPOINT!, s3Endpoint, bucket: EXPORT_BUCKET });
  const gateway = createGateway({
    issuer: cognito.issuer,
    audience: cognito.clientId,
    loadHandler: async (group: FunctionGroup) => (await import(`../handlers/${group}.ts`)).handler,
  });
  const serveStatic = createStatic(join(root, 'web', 'dist'));
  process.env.WEB_INDEX_FILE = join(root, 'web', 'dist', 'index.html');
  const serveShare = createSharePage(async () => (await import('../handlers/share.ts')).handler);
  app = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/')) {
      gateway(req, res).catch((error) => {
        console.error('[local] gateway error', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"INTERNAL","message":"Internal Server Error"}}');
      });
    } else if (path.startsWith(`${FILES_PATH}/`)) {
      serveFiles(req, res).catch((error) => {
        console.error('[local] file download error', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    } else if (isSharePage(req.method, path)) {
      serveShare(req, res).catch((error) => {
        console.error('[local] share page error', error);
        serveStatic(req, res);
      });
    } else serveStatic(req, res);
  };

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      `Cuộc thi CCHC running at http://localhost:${port} (ready in ${seconds} s)`,
      `  data:        ${dataDir}`,
      `  admin:       ${adminEmail} / ${process.env.ADMIN_PASSWORD ? '(from ADMIN_PASSWORD)' : adminPassword}`,
      `  DynamoDB:    ${dynamoEndpoint} (table ${tableName})`,
      `  Cognito:     ${cognito.endpoint} (pool ${cognito.userPoolId})`,
      `  S3:          ${s3Endpoint} (bucket ${EXPORT_BUCKET}, files under ${join(dataDir, 's3')})`,
      `  demo data:   ${seedDemo ? 'on (SEED_DEMO=0 to skip; npm run demo:remove deletes it)' : 'off'}`,
    ].join('\n'),
  );
  // One machine-readable line for scripts and tests.
  console.log(`READY ${JSON.stringify({ port, dynamoEndpoint, cognitoEndpoint: cognito.endpoint, userPoolId: cognito.userPoolId, clientId: cognito.clientId, ms: Date.now() - started })}`);
  // Retention: the daily EventBridge rule on AWS; here the same handler gets the same event at start and hourly.
  current = 'running';
  stopRetention = startRetentionTimer(async () => (await import('../handlers/privacy.ts')).handler as never);
  // Rounds: their final rankings once window + grace has passed (EventBridge every minute on AWS).
  stopRounds = startRoundTimer(async () => (await import('../handlers/contests.ts')).handler as never);
}

const failed = (error: unknown) => {
  if (stopping) return;
  const detail = process.env.DEBUG ? (error as Error).stack : (error as Error).message;
  const what = current === 'running' ? 'failed' : `could not start (step "${(error as { step?: Step }).step ?? current}")`;
  void stop(1, `[local] ${what}: ${detail}\n[local] stopped everything it had started; DEBUG=1 shows the stack`);
};
process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);
main().catch(failed);
