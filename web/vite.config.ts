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
    // Older Android WebViews (Zalo opens links in the system WebView) still get plain ES2020.
    target: ['es2020', 'chrome87', 'safari14'],
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
