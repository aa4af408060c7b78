// Lighthouse (mobile, default simulated throttling) on a page, through its CLI and Debian's Chromium.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LighthouseScores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  metrics: Record<string, number>;
  failedA11y: string[];
}

export async function lighthouse(url: string): Promise<LighthouseScores> {
  const cli = join(dirname(createRequire(import.meta.url).resolve('lighthouse/package.json')), 'cli', 'index.js');
  const { stdout } = await run(
    process.execPath,
    [
      cli,
      url,
      `--chrome-path=${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic',
      '--only-categories=performance,accessibility,best-practices',
      '--output=json',
      '--quiet',
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
  );
  const report = JSON.parse(stdout);
  const audit = (id: string) => Math.round(report.audits[id]?.numericValue ?? NaN);
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    bestPractices: Math.round(report.categories['best-practices'].score * 100),
    metrics: {
      fcpMs: audit('first-contentful-paint'),
      lcpMs: audit('largest-contentful-paint'),
      tbtMs: audit('total-blocking-time'),
      cls: report.audits['cumulative-layout-shift']?.numericValue ?? NaN,
    },
    failedA11y: report.categories.accessibility.auditRefs
      .filter((r: { id: string; weight: number }) => r.weight > 0 && report.audits[r.id].score !== null && report.audits[r.id].score < 1)
      .map((r: { id: string }) => r.id),
  };
}
