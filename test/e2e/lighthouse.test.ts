// Lighthouse on the contest page served by the local mode. Accessibility is deterministic and
// asserted; performance depends on the machine's load, so it is printed (the benchmark records it).
import { beforeAll, expect, it } from 'vitest';
import { lighthouse } from '../helpers/lighthouse.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
beforeAll(async () => {
  server = await sharedServer();
});

it('contest page: accessibility >= 95 (performance reported)', async () => {
  const scores = await lighthouse(`${server.baseUrl}/contests/cchc-2024`);
  console.log(`lighthouse /contests/cchc-2024: ${JSON.stringify(scores)}`);
  expect(scores.failedA11y).toEqual([]);
  expect(scores.accessibility).toBeGreaterThanOrEqual(95);
  expect(scores.performance).toBeGreaterThan(0);
}, 240_000);
