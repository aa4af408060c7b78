// The built app's index.html, which the share page renders its meta into. Locally it is the file
// in web/dist; on AWS the copy the web stack deployed (so the hashed asset names always match).
// Kept a minute per execution environment: a deploy reaches previews within a minute.
import { readFile } from 'node:fs/promises';
import { requireEnv } from '../config.ts';

const KEEP_MS = 60_000;
let kept: { until: number; html: Promise<string> } | undefined;

export function loadIndexHtml(now = Date.now()): Promise<string> {
  if (!kept || kept.until <= now) {
    const html = readFile(requireEnv('WEB_INDEX_FILE'), 'utf8');
    kept = { until: now + KEEP_MS, html };
    html.catch(() => (kept = undefined));
  }
  return kept.html;
}
