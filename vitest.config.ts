import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// One runner for everything: pure units, DynamoDB Local integration, CDK, bundles and the browser.
// The svelte plugin compiles runes in web/src/**/*.svelte.ts for the state-class unit tests.
export default defineConfig({
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
