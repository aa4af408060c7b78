// `npm start`: the whole platform on one machine. DynamoDB Local and cognito-local run as child
// processes; the very Lambda handlers answer /api through a local API Gateway; web/dist is served.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionGroup } from '../adapters/http/routes.ts';
import { ensureAdmin, startCognitoLocal } from './cognito-local.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createGateway } from './gateway.ts';
import { startRetentionTimer } from './schedule.ts';
import { freePort, killLeftovers, stopAll, writePidFile } from './processes.ts';
import { createSharePage, isSharePage } from './share.ts';
import { createStatic } from './static.ts';
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

mkdirSync(dataDir, { recursive: true });
killLeftovers(dataDir);

// The emulators accept any credentials; the SDK only needs some to sign with.
process.env.AWS_REGION ??= 'ap-southeast-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.LOG_LEVEL ?? 'WARN';

// Reuse the emulator ports of the last run when free, so staff tokens survive a restart.
const portsFile = join(dataDir, 'ports.json');
let savedPorts: { dynamodb?: number; cognito?: number } = {};
try {
  savedPorts = JSON.parse(readFileSync(portsFile, 'utf8'));
} catch {
  /* first run */
}

async function main() {
  const [dynamoPort, cognitoPort] = [await freePort(savedPorts.dynamodb), await freePort(savedPorts.cognito)];
  writeFileSync(portsFile, JSON.stringify({ dynamodb: dynamoPort, cognito: cognitoPort }));
  const [dynamoEndpoint, cognito] = await Promise.all([
    startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: dynamoPort, heap: process.env.DYNAMODB_HEAP }),
    startCognitoLocal({ dataDir: join(dataDir, 'cognito'), port: cognitoPort }),
  ]);
  writePidFile(dataDir);
  const streamArn = await ensureTable(dynamoEndpoint, tableName);

  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    USER_POOL_ID: cognito.userPoolId,
    USER_POOL_CLIENT_ID: cognito.clientId,
    COGNITO_ENDPOINT: cognito.endpoint,
  });

  const adminId = await ensureAdmin(cognito, adminEmail, adminPassword);
  // Imported only now: the adapters read their configuration from the environment at load time.
  const { seed } = await import('./seed.ts');
  await seed({ admin: { id: adminId, email: adminEmail }, demo: seedDemo });

  // The aggregate counters follow the table's stream, as on AWS (handlers/stream.ts).
  const { startStreamPoller } = await import('./streams.ts');
  const streams = startStreamPoller({
    endpoint: dynamoEndpoint,
    streamArn,
    handler: (await import('../handlers/stream.ts')).handler,
    positionFile: join(dataDir, 'stream-positions.json'),
  });

  const gateway = createGateway({
    issuer: cognito.issuer,
    audience: cognito.clientId,
    loadHandler: async (group: FunctionGroup) => (await import(`../handlers/${group}.ts`)).handler,
  });
  const serveStatic = createStatic(join(root, 'web', 'dist'));
  process.env.WEB_INDEX_FILE = join(root, 'web', 'dist', 'index.html');
  const serveShare = createSharePage(async () => (await import('../handlers/share.ts')).handler);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/')) {
      gateway(req, res).catch((error) => {
        console.error('[local] gateway error', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"INTERNAL","message":"Internal Server Error"}}');
      });
    } else if (isSharePage(req.method, path)) {
      serveShare(req, res).catch((error) => {
        console.error('[local] share page error', error);
        serveStatic(req, res);
      });
    } else serveStatic(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, resolveListen);
  });

  const shutdown = async (signal: string) => {
    console.log(`[local] ${signal}: stopping`);
    server.close();
    server.closeAllConnections();
    await streams.stop();
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGHUP', () => void shutdown('SIGHUP'));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      `Cuộc thi CCHC running at http://localhost:${port} (ready in ${seconds} s)`,
      `  data:        ${dataDir}`,
      `  admin:       ${adminEmail} / ${process.env.ADMIN_PASSWORD ? '(from ADMIN_PASSWORD)' : adminPassword}`,
      `  DynamoDB:    ${dynamoEndpoint} (table ${tableName})`,
      `  Cognito:     ${cognito.endpoint} (pool ${cognito.userPoolId})`,
      `  demo data:   ${seedDemo ? 'on (SEED_DEMO=0 to skip)' : 'off'}`,
    ].join('\n'),
  );
  // One machine-readable line for scripts and tests.
  console.log(`READY ${JSON.stringify({ port, dynamoEndpoint, cognitoEndpoint: cognito.endpoint, userPoolId: cognito.userPoolId, clientId: cognito.clientId, ms: Date.now() - started })}`);
  // Retention: the daily EventBridge rule on AWS; here the same handler gets the same event at start and hourly.
  startRetentionTimer(async () => (await import('../handlers/privacy.ts')).handler as never);
}

main().catch(async (error) => {
  console.error('[local] failed to start:', error);
  await stopAll();
  process.exit(1);
});
