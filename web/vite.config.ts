import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dashboard: built to web/dist, which `autonomy serve` serves at `/`. */
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  // `npm run dev:web` serves the sources with hot reload against a server on the default port.
  server: {
    proxy: {
      '/v1': { target: 'http://127.0.0.1:7070' },
      '/docs': { target: 'http://127.0.0.1:7070' },
    },
  },
});
