import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The entry stylesheet (about 3 KB gzipped) goes inline into index.html: on 3G a render-blocking
 * request costs a round trip before the first paint. The file stays in the build for the manifest.
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'inline-entry-css',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((a) => a.type === 'asset' && a.fileName === 'index.html');
      if (!html || html.type !== 'asset') return;
      let source = String(html.source);
      source = source.replace(/<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"[^>]*>/g, (tag, file: string) => {
        const css = bundle[file];
        return css && css.type === 'asset' ? `<style>${String(css.source).replace(/<\/style/gi, '<\\/style')}</style>` : tag;
      });
      html.source = source;
    },
  };
}

/**
 * The ready-made question bank (data/bank/*.csv, issue 13) goes into the build as /bank/<file>, so
 * the console can offer it for download; absent files are skipped.
 */
function readyMadeBank(): Plugin {
  const dir = join(root, '..', 'data', 'bank');
  return {
    name: 'ready-made-bank',
    generateBundle() {
      if (!existsSync(dir)) return;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
        this.emitFile({ type: 'asset', fileName: `bank/${file}`, source: readFileSync(join(dir, file)) });
      }
    },
  };
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
  assets?: string[];
}

/** A dynamic entry of the staff console: its pages, its helpers (charts, QR codes) and its messages. */
export const isStaffModule = (key: string) => /(^|\/)(pages\/staff|lib\/staff)\/|i18n\/staff-/.test(key);

/**
 * The files a participant can need: the entry and every non-staff dynamic entry (English), with
 * their static imports and stylesheets, read from Vite's manifest. The staff console is never
 * precached: it is large, used on desktops, and must not take a phone's storage.
 */
export function participantFiles(manifest: Record<string, ManifestChunk>): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
    for (const k of chunk.imports ?? []) visit(k);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry || (chunk.isDynamicEntry && !isStaffModule(key))) visit(key);
  return files;
}

// The participant bundle must stay under 40 KB gzipped (issue 4): no dependencies besides
// svelte, staff pages only through import(), a manifest so a test can measure the entry graph.
export default defineConfig({
  root,
  base: '/',
  plugins: [
    svelte({ configFile: false }),
    inlineEntryCss(),
    readyMadeBank(),
    // Offline-first participant app (issue 14): the service worker precaches the participant shell
    // and answers navigations with index.html, so a reload with no connection brings an attempt back
    // from the device. A new version waits (no skipWaiting) until the app asks it to take over,
    // which it does only outside an attempt (src/lib/pwa.ts).
    VitePWA({
      injectRegister: false,
      registerType: 'prompt',
      strategies: 'generateSW',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      includeAssets: [],
      manifest: {
        id: '/',
        name: 'Thi tìm hiểu trực tuyến',
        short_name: 'Thi tìm hiểu',
        description: 'Cuộc thi tìm hiểu trực tuyến: đăng ký, làm bài trên điện thoại, xem kết quả và bảng xếp hạng.',
        lang: 'vi',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b4f8a',
        background_color: '#f3f5f8',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        manifestTransforms: [
          async (entries) => {
            const manifest = JSON.parse(readFileSync(join(root, 'dist', '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
            const keep = participantFiles(manifest);
            const isAsset = (url: string) => url.startsWith('assets/');
            return { manifest: entries.filter((e) => !isAsset(e.url) || keep.has(e.url)), warnings: [] };
          },
        ],
        navigateFallback: '/index.html',
        // Staff pages and the API always go to the network; so do files (og-image.png, sw.js).
        navigateFallbackDenylist: [/^\/admin(\/|$)/, /^\/api\//],
        skipWaiting: false,
        clientsClaim: false,
        cleanupOutdatedCaches: true,
        // The API is never cached by the service worker: answers must be the server's.
        runtimeCaching: [],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    // ES2022 (Chrome 94+, the system WebView Zalo opens links in updates with Chrome):
    // lowering further turns Svelte's #private fields into WeakMaps, +2 KB gzipped.
    target: ['es2022'],
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
  preview: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
