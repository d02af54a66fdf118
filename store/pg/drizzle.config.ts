// drizzle-kit config for the PostgreSQL dialect: `npm run db:generate` (from the repo root)
// writes a migration into store/pg/migrations for every change to schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./store/pg/schema.ts', './store/pg/lists-schema.ts', './store/pg/engine-schema.ts', './store/pg/auth-schema.ts'],
  out: './store/pg/migrations',
})
