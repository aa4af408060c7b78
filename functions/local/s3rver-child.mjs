// The local S3 emulator as a child process of `npm start` (functions/local/s3-local.ts):
// @20minutes/s3rver on 127.0.0.1 only, its files under the directory given, the exports bucket
// created at start. Its package ships no runnable bin, hence this launcher.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver');
const [directory, port, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
await server.run();
const stop = () => server.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
