// The local stack of this worker, shared by every integration and browser test file it runs
// (booted on first use by the broker of test/setup/stacks.ts, stopped when the run ends).
// Files follow each other on it, never at the same time: each makes its own contest, units,
// accounts and people, and reads only what it made (or the demo contest, which nobody changes
// but the tests that start attempts on it with phones of their own). A test that kills, restarts
// or configures its stack calls startServer() instead.
import { inject } from 'vitest';
import type { SharedStack } from './server.ts';

export async function sharedServer(): Promise<SharedStack> {
  const slot = process.env.VITEST_POOL_ID ?? '1';
  const res = await fetch(`${inject('stackBroker')}/stack/${slot}`);
  if (!res.ok) throw new Error(`shared stack of worker ${slot}: ${res.status} ${await res.text()}`);
  return (await res.json()) as SharedStack;
}
