// The participant budget, measured on the build: the JavaScript a phone must download
// before the first question (the entry and everything it imports statically), gzipped,
// at most 40 KB; organizer and observer code only in chunks behind import().
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const dist = resolve(root, 'web/dist');
const manifestFile = resolve(dist, '.vite/manifest.json');
const BUDGET = 40 * 1024;

interface Chunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, Chunk>;

let manifest: Manifest;

/** Chunks loaded without any import(): the entry and its static imports, recursively. */
function staticGraph(m: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of m[key]?.imports ?? []) staticGraph(m, dep, seen);
  return seen;
}

const gz = (file: string) => gzipSync(readFileSync(resolve(dist, file)), { level: 9 }).length;

beforeAll(() => {
  if (!existsSync(manifestFile)) {
    execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  }
  manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
});

describe('participant bundle', () => {
  it('stays within 40 KB of gzipped JavaScript before the first question', () => {
    const entry = Object.entries(manifest).find(([, c]) => c.isEntry);
    expect(entry).toBeDefined();
    const chunks = [...staticGraph(manifest, entry![0])].map((k) => manifest[k]!);
    const bytes = chunks.reduce((n, c) => n + gz(c.file), 0);
    console.info(`participant JS before the first question: ${(bytes / 1024).toFixed(1)} KB gzipped (${chunks.map((c) => c.file).join(', ')})`);
    expect(bytes).toBeLessThanOrEqual(BUDGET);
  });

  // The web's API types come from the server's zod schemas through type-only imports: none of zod
  // (nor any server code) may reach any chunk, staff ones included.
  it('carries no zod: the contract reaches the web as types only', () => {
    const js = Object.values(manifest).filter((c) => c.file.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const withZod = js.filter((c) => /ZodError|\$ZodType|_zod\b/.test(readFileSync(resolve(dist, c.file), 'utf8'))).map((c) => c.file);
    expect(withZod).toEqual([]);
  });

  it('keeps staff pages out of the participant entry', () => {
    const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
    const loaded = [...staticGraph(manifest, entry)];
    expect(loaded.filter((k) => k.includes('pages/staff/'))).toEqual([]);
    const staff = Object.keys(manifest).filter((k) => k.includes('pages/staff/'));
    expect(staff.length).toBeGreaterThan(0);
    expect(manifest[entry]!.dynamicImports ?? []).toEqual(expect.arrayContaining(staff));
  });
});
