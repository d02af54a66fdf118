/**
 * `/api/users` (admin): list, create, change a role, disable and enable. The rules are
 * auth/accounts.ts, shared with `sluice users`; answers never carry a password or its hash.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { addUser, disableUser, enableUser, listUsers, setUserRole, type PublicUser } from '../auth/accounts.ts'
import type { AuthStore } from '../auth/auth-store.ts'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts'
import { ROLES } from '../auth/roles.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { errorSchema } from '../http/errors.ts'

export interface UserRouteDeps {
  authStore: AuthStore
  now(): number
}

const userSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(ROLES), createdAt: z.iso.datetime(), disabled: z.boolean() })
  .openapi('User')

const nameParam = z.object({ name: z.string().min(1).openapi({ param: { name: 'name', in: 'path' } }) })
const tags = ['users']
const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } })

const list = apiRoute('admin', {
  method: 'get', path: '/', summary: 'Users, by name', tags,
  responses: { 200: json(z.object({ users: z.array(userSchema) })) },
})
const create = apiRoute('admin', {
  method: 'post', path: '/', summary: 'Create a user', tags,
  request: body(z.strictObject({
    name: z.string().openapi({ example: 'maria' }),
    role: z.enum(ROLES),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH).openapi({ description: `At least ${MIN_PASSWORD_LENGTH} characters` }),
  })),
  responses: { 201: json(userSchema, 'Created'), 409: json(errorSchema, 'The name is taken') },
})
const changeRole = apiRoute('admin', {
  method: 'put', path: '/{name}/role', summary: "Change a user's role (takes effect at their next request)", tags,
  request: { params: nameParam, ...body(z.strictObject({ role: z.enum(ROLES) })) },
  responses: { 200: json(userSchema), 409: json(errorSchema, 'It would leave no enabled admin') },
})
const disable = apiRoute('admin', {
  method: 'post', path: '/{name}/disable', summary: 'Disable a user: their sessions end at once', tags,
  request: { params: nameParam },
  responses: { 200: json(userSchema), 409: json(errorSchema, 'It would leave no enabled admin') },
})
const enable = apiRoute('admin', {
  method: 'post', path: '/{name}/enable', summary: 'Enable a disabled user again', tags,
  request: { params: nameParam },
  responses: { 200: json(userSchema) },
})

const publicShape = (user: PublicUser): z.infer<typeof userSchema> => ({ ...user, createdAt: new Date(user.createdAt).toISOString() })

export function userRoutes({ authStore, now }: UserRouteDeps) {
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => c.json({ users: (await listUsers(authStore)).map(publicShape) }, 200))
    .openapi(create, async (c) => c.json(publicShape(await addUser(authStore, c.req.valid('json'), now())), 201))
    .openapi(changeRole, async (c) => c.json(publicShape(await setUserRole(authStore, c.req.valid('param').name, c.req.valid('json').role)), 200))
    .openapi(disable, async (c) => c.json(publicShape(await disableUser(authStore, c.req.valid('param').name)), 200))
    .openapi(enable, async (c) => c.json(publicShape(await enableUser(authStore, c.req.valid('param').name)), 200))
}
