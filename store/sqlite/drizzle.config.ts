// drizzle-kit config for the SQLite dialect: `npm run db:generate` (from the repo root) writes a
// migration into store/sqlite/migrations for every change to schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./store/sqlite/schema.ts', './store/sqlite/lists-schema.ts', './store/sqlite/engine-schema.ts', './store/sqlite/auth-schema.ts'],
  out: './store/sqlite/migrations',
})
