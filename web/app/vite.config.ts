// Builds the web app into dist/web, which `mosaic serve` serves at `/` (src/server/routes/webapp.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Inline nothing: the server's content security policy allows scripts and styles from files only.
    assetsInlineLimit: 0,
    target: 'es2022',
    // The lab chunk carries ECharts (≈ 560 KB, 187 KB gzipped) and loads only when the lab opens (decision 0132).
    chunkSizeWarningLimit: 600,
  },
});
