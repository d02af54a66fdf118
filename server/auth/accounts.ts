/**
 * Users and API tokens as the API and the CLI change them: one set of rules for both (names,
 * password length, no way to lose the last enabled admin, secrets shown once). What these
 * functions answer is safe to print or send: never a password hash or a token hash.
 */
import { randomUUID } from 'node:crypto'
import { NotFoundError, UserError, ValidationError } from '../../engine/errors.ts'
import type { ApiTokenRow, AuthStore, UserRow } from './auth-store.ts'
import { hashPassword } from './passwords.ts'
import { isRole, ROLES, type Role } from './roles.ts'
import { newApiToken, randomSecret, sha256Hex } from './secrets.ts'

export interface PublicUser {
  id: string
  name: string
  role: Role
  createdAt: number
  disabled: boolean
}

export interface PublicToken {
  id: string
  name: string
  role: Role
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

/** User names: what a person types at the sign-in form and on the command line. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/
const USER_NAME_RULE = '1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit'

/** The name of the user `ensureAdmin` creates. */
export const FIRST_ADMIN = 'admin'

export function publicUser(user: UserRow): PublicUser {
  return { id: user.id, name: user.name, role: user.role, createdAt: user.createdAt, disabled: user.disabled }
}

export function publicToken(token: ApiTokenRow): PublicToken {
  return { id: token.id, name: token.name, role: token.role, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt }
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`${path} ${message}`, [{ code: path, path, message }])
}

/** `value` as a role, or a ValidationError naming `path` and the roles there are. */
export function parseRole(value: string, path = 'role'): Role {
  if (!isRole(value)) throw invalid(path, `must be one of ${ROLES.join(', ')} (got "${value}")`)
  return value
}

async function userNamed(store: AuthStore, name: string): Promise<UserRow> {
  const user = await store.userByName(name)
  if (!user) throw new NotFoundError('user', name)
  return user
}

export async function addUser(store: AuthStore, input: { name: string; role: string; password: string }, now: number): Promise<PublicUser> {
  if (!USER_NAME.test(input.name)) throw invalid('name', `must be ${USER_NAME_RULE} (got "${input.name}")`)
  const role = parseRole(input.role)
  const user: UserRow = { id: randomUUID(), name: input.name, passwordHash: await hashPassword(input.password), role, createdAt: now, disabled: false }
  if (!(await store.insertUser(user))) throw new UserError('conflict', `a user named '${input.name}' already exists`)
  return publicUser(user)
}

export async function listUsers(store: AuthStore): Promise<PublicUser[]> {
  return (await store.listUsers()).map(publicUser)
}

const lastAdmin = (name: string) => new UserError('conflict', `'${name}' is the last enabled admin; make another user an admin first`)

export async function setUserRole(store: AuthStore, name: string, role: string): Promise<PublicUser> {
  const parsed = parseRole(role)
  const user = await userNamed(store, name)
  if (!(await store.updateUserGuarded(user.id, { role: parsed }))) throw lastAdmin(name)
  return publicUser({ ...user, role: parsed })
}

/** Disables a user: their sessions end at once, and they cannot sign in until enabled. */
export async function disableUser(store: AuthStore, name: string): Promise<PublicUser> {
  const user = await userNamed(store, name)
  if (!(await store.updateUserGuarded(user.id, { disabled: true }))) throw lastAdmin(name)
  await store.deleteUserSessions(user.id)
  return publicUser({ ...user, disabled: true })
}

export async function enableUser(store: AuthStore, name: string): Promise<PublicUser> {
  const user = await userNamed(store, name)
  await store.updateUserGuarded(user.id, { disabled: false })
  return publicUser({ ...user, disabled: false })
}

/** Sets a new password; the user's sessions end, so a leaked session does not outlive the change. */
export async function setUserPassword(store: AuthStore, name: string, password: string): Promise<PublicUser> {
  const user = await userNamed(store, name)
  await store.setPasswordHash(user.id, await hashPassword(password))
  await store.deleteUserSessions(user.id)
  return publicUser(user)
}

/**
 * First start: when there is no user at all, creates `admin` (role admin) with a random
 * password and answers it, for `sluice serve` to print once. Null when a user exists (or
 * another process created one at the same moment).
 */
export async function ensureAdmin(store: AuthStore, now: number): Promise<{ name: string; password: string } | null> {
  if ((await store.countUsers()) > 0) return null
  const password = randomSecret(18)
  const user: UserRow = { id: randomUUID(), name: FIRST_ADMIN, passwordHash: await hashPassword(password), role: 'admin', createdAt: now, disabled: false }
  return (await store.insertUser(user)) ? { name: FIRST_ADMIN, password } : null
}

/** A new API token; `token` (the whole `slk_…` string) is shown once and stored only as a hash. */
export async function createApiToken(store: AuthStore, input: { role: string; name?: string | undefined }, now: number): Promise<{ token: PublicToken; secret: string }> {
  const role = parseRole(input.role)
  const name = input.name?.trim() ?? ''
  if (name.length > 100) throw invalid('name', `must be at most 100 characters (got ${name.length})`)
  const fresh = newApiToken()
  const row: ApiTokenRow = { id: fresh.id, name: name || `token ${fresh.id}`, role, tokenHash: sha256Hex(fresh.secret), createdAt: now, lastUsedAt: null, revokedAt: null }
  await store.insertToken(row)
  return { token: publicToken(row), secret: fresh.token }
}

export async function listApiTokens(store: AuthStore): Promise<PublicToken[]> {
  return (await store.listTokens()).map(publicToken)
}

/** Revokes a token at once (its next request answers 401). Revoking it again changes nothing. */
export async function revokeApiToken(store: AuthStore, id: string, now: number): Promise<PublicToken> {
  const token = await store.tokenById(id)
  if (!token) throw new NotFoundError('API token', id)
  if (token.revokedAt !== null) return publicToken(token)
  await store.revokeToken(id, now)
  return publicToken({ ...token, revokedAt: now })
}
