import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
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

// The participant bundle must stay under 40 KB gzipped (issue 4): no dependencies besides
// svelte, staff pages only through import(), a manifest so a test can measure the entry graph.
export default defineConfig({
  root,
  base: '/',
  plugins: [svelte({ configFile: false }), inlineEntryCss()],
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
