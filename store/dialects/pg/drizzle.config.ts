// drizzle-kit config for the PostgreSQL dialect: `npm run db:generate` (from the repo root)
// writes a migration into store/dialects/pg/migrations for every change to schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./store/dialects/pg/schema.ts', './store/dialects/pg/lists-schema.ts', './store/dialects/pg/engine-schema.ts', './store/dialects/pg/auth-schema.ts'],
  out: './store/dialects/pg/migrations',
})
