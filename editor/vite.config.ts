// The editor's build: `vite build` writes editor/dist, which `sluice serve` serves at `/`
// (`npm start` builds it when it is missing or older than the sources: server/editor-assets.ts).
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
})
