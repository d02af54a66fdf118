/**
 * Who may use the API, for SQLite: users (browser sign-in), their sessions, and API tokens.
 * Secrets are never stored: a user's password as its argon2id hash, a session and a token as
 * the SHA-256 of their random secret (server/auth/secrets.ts). Times are epoch-ms integers.
 * Same tables as store/dialects/pg/auth-schema.ts; server/auth/auth-store.ts reads and writes both.
 */
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { oneOf } from '../../common/check-constraint.ts'
import { ROLES } from '../../../server/auth/roles.ts'

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    createdAt: integer('created_at').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  },
  () => [check('users_role', oneOf('role', ROLES))],
)

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 (hex) of the secret in the browser's cookie. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  // By user: disabling a user ends their sessions. By expiry: sign-ins sweep expired ones.
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
)

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    /** SHA-256 (hex) of the token's secret part. */
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  () => [check('api_tokens_role', oneOf('role', ROLES))],
)
