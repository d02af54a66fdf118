// drizzle-kit config for the SQLite dialect: `npm run db:generate` (from the repo root) writes a
// migration into store/dialects/sqlite/migrations for every change to schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./store/dialects/sqlite/schema.ts', './store/dialects/sqlite/lists-schema.ts', './store/dialects/sqlite/engine-schema.ts', './store/dialects/sqlite/auth-schema.ts'],
  out: './store/dialects/sqlite/migrations',
})
