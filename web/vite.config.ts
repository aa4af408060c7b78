import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The participant bundle must stay under 40 KB gzipped (issue 4): no dependencies besides
// svelte, staff pages only through import(), a manifest so a test can measure the entry graph.
export default defineConfig({
  root,
  base: '/',
  plugins: [svelte({ configFile: false })],
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
