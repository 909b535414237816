import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(webRoot, '../..');
/** Where `npm run dev` finds the API server (`npm run dev` starts it on PORT, default 8000). */
const apiTarget = process.env.DAA_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8000}`;

/** The SPA: built into `dist/web` (served by the server at `/`), or served with hot reload by `npm run dev`. */
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: path.join(repositoryRoot, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget },
      '/docs': { target: apiTarget },
      '/health': { target: apiTarget },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
});
