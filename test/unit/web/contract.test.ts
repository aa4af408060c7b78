// The web app's types are derived from the server's route table and zod schemas (type-only imports
// in web/src/lib/api/types.ts and lib/staff/types.ts), so a change to the contract that the app
// does not follow is a type error somewhere in web/. This runs the web's type check, so such a
// change fails `npm test` and not only `npm run typecheck`.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');

describe('the web app against the API contract', () => {
  it('type-checks with the types derived from the server schemas', () => {
    const out = spawnSync(
      process.execPath,
      [resolve(root, 'node_modules/svelte-check/bin/svelte-check'), '--tsconfig', 'web/tsconfig.json', '--output', 'machine', '--threshold', 'error'],
      { cwd: root, encoding: 'utf8', timeout: 280_000 },
    );
    const errors = out.stdout.split('\n').filter((line) => / ERROR /.test(line));
    expect(errors).toEqual([]);
    expect(out.status, out.stderr).toBe(0);
  }, 300_000);
});
