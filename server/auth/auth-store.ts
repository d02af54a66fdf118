/**
 * The auth tables (store/dialects/{sqlite,pg}/auth-schema.ts) over the customer
 * store's own connection. One implementation for both dialects: every statement is written
 * once with `?` placeholders and run through a two-method runner per dialect, the way
 * store/common/erase-customer.ts does. On SQLite each call runs inside the store's
 * transaction queue, so it never reads or joins another caller's open transaction on the one
 * connection.
 */
import type Database from 'better-sqlite3'
import type { StorePort } from '../../engine/ports/store.ts'
import { pgPlaceholders } from '../../store/common/erase-customer.ts'
import { PgStore } from '../../store/pg/pg-store.ts'
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts'
import { isRole, type Role } from './roles.ts'

export interface UserRow {
  id: string
  name: string
  /** argon2id PHC string; never leaves the server. */
  passwordHash: string
  role: Role
  createdAt: number
  disabled: boolean
}

export interface SessionRow {
  /** SHA-256 of the cookie's secret. */
  id: string
  userId: string
  csrfToken: string
  expiresAt: number
  createdAt: number
}

export interface ApiTokenRow {
  id: string
  name: string
  role: Role
  /** SHA-256 of the token's secret; never leaves the server. */
  tokenHash: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

export interface AuthStore {
  countUsers(): Promise<number>
  /** False when the name is taken. */
  insertUser(user: UserRow): Promise<boolean>
  userByName(name: string): Promise<UserRow | undefined>
  userById(id: string): Promise<UserRow | undefined>
  /** Every user, by name. */
  listUsers(): Promise<UserRow[]>
  /**
   * Changes a user's role or disables them, unless that would leave no enabled admin: one
   * guarded statement, false when refused (or when there is no such user).
   */
  updateUserGuarded(id: string, change: { role?: Role; disabled?: boolean }): Promise<boolean>
  setPasswordHash(id: string, passwordHash: string): Promise<void>

  insertSession(session: SessionRow): Promise<void>
  /** The session and its user, when the session exists and has not expired at `now`. */
  sessionWithUser(id: string, now: number): Promise<{ session: SessionRow; user: UserRow } | undefined>
  deleteSession(id: string): Promise<void>
  deleteUserSessions(userId: string): Promise<number>
  deleteExpiredSessions(now: number): Promise<number>

  insertToken(token: ApiTokenRow): Promise<void>
  tokenById(id: string): Promise<ApiTokenRow | undefined>
  /** Every token, newest first. */
  listTokens(): Promise<ApiTokenRow[]>
  /** False when there is no such token or it was already revoked. */
  revokeToken(id: string, at: number): Promise<boolean>
  touchToken(id: string, at: number): Promise<void>
}

type Row = Record<string, unknown>

/** How one dialect runs a statement written with `?` placeholders. */
interface AuthSql {
  rows(text: string, params: unknown[]): Promise<Row[]>
  /** Runs a write and answers the rows it changed. */
  run(text: string, params: unknown[]): Promise<number>
}

const USER_COLUMNS = 'id, name, password_hash, role, created_at, disabled'
const SESSION_COLUMNS = 's.id AS session_id, s.user_id, s.csrf_token, s.expires_at, s.created_at AS session_created_at'
const TOKEN_COLUMNS = 'id, name, role, token_hash, created_at, last_used_at, revoked_at'

// A change that would leave no enabled admin is refused inside the UPDATE itself: it passes when
// the user is not an enabled admin now (role, disabled: the row as it is), stays one (the second
// parameter, computed by the caller), or another enabled admin exists.
const GUARD = `AND (role <> 'admin' OR disabled = ? OR ?
  OR (SELECT count(*) FROM users o WHERE o.role = 'admin' AND o.disabled = ? AND o.id <> users.id) > 0)`

const SQL = {
  countUsers: 'SELECT count(*) AS n FROM users',
  insertUser: `INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
  userByName: `SELECT ${USER_COLUMNS} FROM users WHERE name = ?`,
  userById: `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`,
  listUsers: `SELECT ${USER_COLUMNS} FROM users ORDER BY name`,
  updateUser: `UPDATE users SET role = ?, disabled = ? WHERE id = ? ${GUARD}`,
  setPasswordHash: 'UPDATE users SET password_hash = ? WHERE id = ?',
  insertSession: 'INSERT INTO sessions (id, user_id, csrf_token, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
  sessionWithUser: `SELECT ${SESSION_COLUMNS}, u.id, u.name, u.password_hash, u.role, u.created_at, u.disabled
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`,
  deleteSession: 'DELETE FROM sessions WHERE id = ?',
  deleteUserSessions: 'DELETE FROM sessions WHERE user_id = ?',
  deleteExpiredSessions: 'DELETE FROM sessions WHERE expires_at <= ?',
  insertToken: `INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  tokenById: `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`,
  revokeToken: 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  touchToken: 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?',
} as const

/** The auth tables of an open store (from openStore, migrated). */
export function openAuthStore(store: StorePort): AuthStore {
  if (store instanceof SqliteStore) return new SqlAuthStore(sqliteRunner(store))
  if (store instanceof PgStore) return new SqlAuthStore(pgRunner(store))
  throw new Error(`no auth store for a ${store.dialect} store of class ${store.constructor.name}`)
}

function sqliteRunner(store: SqliteStore): AuthSql {
  const statements = new Map<string, Database.Statement>()
  const statement = (text: string) => {
    let prepared = statements.get(text)
    if (!prepared) statements.set(text, (prepared = store.database.prepare(text)))
    return prepared
  }
  // better-sqlite3 binds no booleans: the schema stores them as 0 / 1.
  const bind = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p))
  return {
    rows: (text, params) => store.transaction(async () => statement(text).all(...bind(params)) as Row[]),
    run: (text, params) => store.transaction(async () => statement(text).run(...bind(params)).changes),
  }
}

function pgRunner(store: PgStore): AuthSql {
  return {
    rows: async (text, params) => (await store.connection.query<Row>(pgPlaceholders(text), params)).rows,
    run: async (text, params) => (await store.connection.query(pgPlaceholders(text), params)).rowCount ?? 0,
  }
}

class SqlAuthStore implements AuthStore {
  constructor(private readonly sql: AuthSql) {}

  async countUsers(): Promise<number> {
    const [row] = await this.sql.rows(SQL.countUsers, [])
    return Number(row?.n ?? 0)
  }

  async insertUser(user: UserRow): Promise<boolean> {
    return (await this.sql.run(SQL.insertUser, [user.id, user.name, user.passwordHash, user.role, user.createdAt, user.disabled])) === 1
  }

  async userByName(name: string): Promise<UserRow | undefined> {
    const [row] = await this.sql.rows(SQL.userByName, [name])
    return row ? toUser(row) : undefined
  }

  async userById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.sql.rows(SQL.userById, [id])
    return row ? toUser(row) : undefined
  }

  async listUsers(): Promise<UserRow[]> {
    return (await this.sql.rows(SQL.listUsers, [])).map(toUser)
  }

  async updateUserGuarded(id: string, change: { role?: Role; disabled?: boolean }): Promise<boolean> {
    const user = await this.userById(id)
    if (!user) return false
    const role = change.role ?? user.role
    const disabled = change.disabled ?? user.disabled
    return (await this.sql.run(SQL.updateUser, [role, disabled, id, true, role === 'admin' && !disabled, false])) === 1
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.sql.run(SQL.setPasswordHash, [passwordHash, id])
  }

  async insertSession(session: SessionRow): Promise<void> {
    await this.sql.run(SQL.insertSession, [session.id, session.userId, session.csrfToken, session.expiresAt, session.createdAt])
  }

  async sessionWithUser(id: string, now: number): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const [row] = await this.sql.rows(SQL.sessionWithUser, [id, now])
    if (!row) return undefined
    const session = { id: String(row.session_id), userId: String(row.user_id), csrfToken: String(row.csrf_token), expiresAt: Number(row.expires_at), createdAt: Number(row.session_created_at) }
    return { session, user: toUser(row) }
  }

  async deleteSession(id: string): Promise<void> {
    await this.sql.run(SQL.deleteSession, [id])
  }

  async deleteUserSessions(userId: string): Promise<number> {
    return this.sql.run(SQL.deleteUserSessions, [userId])
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.sql.run(SQL.deleteExpiredSessions, [now])
  }

  async insertToken(token: ApiTokenRow): Promise<void> {
    await this.sql.run(SQL.insertToken, [token.id, token.name, token.role, token.tokenHash, token.createdAt, token.lastUsedAt, token.revokedAt])
  }

  async tokenById(id: string): Promise<ApiTokenRow | undefined> {
    const [row] = await this.sql.rows(SQL.tokenById, [id])
    return row ? toToken(row) : undefined
  }

  async listTokens(): Promise<ApiTokenRow[]> {
    return (await this.sql.rows(SQL.listTokens, [])).map(toToken)
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return (await this.sql.run(SQL.revokeToken, [at, id])) === 1
  }

  async touchToken(id: string, at: number): Promise<void> {
    await this.sql.run(SQL.touchToken, [at, id])
  }
}

function role(value: unknown): Role {
  const text = String(value)
  // The CHECK constraint keeps other values out; a row that still has one is a corrupt store.
  if (!isRole(text)) throw new Error(`the auth tables hold an unknown role '${text}'`)
  return text
}

const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value))

function toUser(row: Row): UserRow {
  // SQLite answers 0 / 1, Postgres a boolean.
  return { id: String(row.id), name: String(row.name), passwordHash: String(row.password_hash), role: role(row.role), createdAt: Number(row.created_at), disabled: row.disabled === true || row.disabled === 1 }
}

function toToken(row: Row): ApiTokenRow {
  return { id: String(row.id), name: String(row.name), role: role(row.role), tokenHash: String(row.token_hash), createdAt: Number(row.created_at), lastUsedAt: nullableNumber(row.last_used_at), revokedAt: nullableNumber(row.revoked_at) }
}
