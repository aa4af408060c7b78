import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Four projects in one run (docs/testing.md): `npm test` runs them all, `--project <name>` one.
// The timeouts say what each kind may take on a busy 2-core machine; a test that needs more
// says so itself. Integration and browser tests share one local stack per worker
// (test/setup/stacks.ts); a test that needs a stack of its own calls startServer().
const stacks = './test/setup/stacks.ts';

// Every DynamoDB Local the tests start (about 35 in a run) with the quick JIT only: half the CPU to
// start, on machines of 2 cores (functions/local/dynamodb-local.ts extraJavaOptions). Inherited by
// the workers and the servers they spawn.
process.env.DYNAMODB_LOCAL_JAVA_OPTS ??= '-XX:TieredStopAtLevel=1';

export default defineConfig({
  // The svelte plugin compiles runes in web/src/**/*.svelte.ts for the state-class unit tests.
  plugins: [svelte({ configFile: false })],
  test: {
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Longest files first, so the kill -9 rounds do not start last on a fresh clone.
    sequence: { sequencer: (await import('./test/setup/sequencer.ts')).LongestFirst },
    projects: [
      {
        extends: true,
        // Pure code: the files of a worker share their modules (no fresh process per file).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, testTimeout: 20_000, hookTimeout: 20_000 },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [stacks],
          // A test or hook may boot a stack of its own (startServer), twice for a restart, on a loaded machine.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: [stacks],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
