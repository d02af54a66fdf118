/**
 * Who may use the API, for PostgreSQL: users (browser sign-in), their sessions, and API tokens.
 * Secrets are never stored: a user's password as its argon2id hash, a session and a token as
 * the SHA-256 of their random secret (server/auth/secrets.ts). Times are epoch-ms bigints read
 * as numbers. Same tables as store/dialects/sqlite/auth-schema.ts; server/auth/auth-store.ts reads and
 * writes both. No foreign key from sessions to users, like the rest of the Postgres store
 * (drizzle-kit would also pin it to the `public` schema, and the store lives in any schema):
 * users are disabled, never deleted, and disabling one deletes their sessions.
 */
import { bigint, boolean, check, index, pgTable, text } from 'drizzle-orm/pg-core'
import { oneOf } from '../../common/check-constraint.ts'
import { ROLES } from '../../../server/auth/roles.ts'

const epochMs = (name: string) => bigint(name, { mode: 'number' })

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    createdAt: epochMs('created_at').notNull(),
    disabled: boolean('disabled').notNull().default(false),
  },
  () => [check('users_role', oneOf('role', ROLES))],
)

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the secret in the browser's cookie. */
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  // By user: disabling a user ends their sessions. By expiry: sign-ins sweep expired ones.
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
)

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** SHA-256 (hex) of the token's secret part. */
    tokenHash: text('token_hash').notNull(),
    createdAt: epochMs('created_at').notNull(),
    lastUsedAt: epochMs('last_used_at'),
    revokedAt: epochMs('revoked_at'),
  },
  () => [check('api_tokens_role', oneOf('role', ROLES))],
)
