/**
 * The API's one error shape and the one place errors become responses:
 *
 * ```json
 * { "error": { "code": "validation", "message": "…", "details": [{ "path": "nodes[seg].config.rule", "message": "…" }] } }
 * ```
 *
 * User errors (bad input, unknown ids, conflicts) answer 4xx with field paths; anything else is
 * logged and answers 500 without a stack or an internal message.
 */
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError, ZodType } from 'zod'
import { isUserError, NotFoundError, ValidationError, type Issue } from '../../engine/errors.ts'
import { zodIssuesToIssues } from '../../engine/sdk/zod-issues.ts'

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error')

export type ErrorBody = z.infer<typeof errorSchema>

/** An error the API answers with a given status (403, 409, 413, 429…). */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message)
  }
}

export function errorBody(code: string, message: string, details?: readonly { path: string; message: string }[]): ErrorBody {
  return { error: { code, message, ...(details && details.length > 0 ? { details: details.map(({ path, message }) => ({ path, message })) } : {}) } }
}

/** Request validation failures (zod, from the route's schemas) → 400 with one detail per field. */
export function validationFailure(error: ZodError, where: string): ErrorBody {
  const issues = zodIssuesToIssues(error.issues, { code: 'request', prefix: where })
  return errorBody('validation', `invalid request ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
}

/** Status of a user error by its kind: unknown ids are 404, conflicts 409, the rest 400. */
function userErrorStatus(error: Error): ContentfulStatusCode {
  if (error instanceof NotFoundError) return 404
  const code = (error as { code?: string }).code ?? ''
  if (code.endsWith('.conflict') || code === 'conflict') return 409
  return 400
}

/** Maps any thrown error to the API's response (hono `onError`). */
export function respondToError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status)
  if (error instanceof HTTPException) {
    // hono's own (body limit, malformed JSON, …): its status, our shape.
    const status = error.status as ContentfulStatusCode
    return c.json(errorBody(status === 413 ? 'too-large' : 'http', error.message || 'request refused'), status)
  }
  if (isUserError(error)) {
    const details = error instanceof ValidationError ? error.issues.map((issue: Issue) => ({ path: issue.path, message: issue.message })) : undefined
    return c.json(errorBody(error.code, error.message, details), userErrorStatus(error))
  }
  console.error(error)
  return c.json(errorBody('internal', 'internal error; see the server log'), 500)
}

/**
 * The JSON body of a route whose body is optional (an empty body means `{}`), checked against
 * `schema`: malformed JSON and schema failures are 400s like any other request error.
 */
export async function optionalJsonBody<S extends ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text()
  let value: unknown = {}
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new ApiError(400, 'validation', `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const body = validationFailure(parsed.error, 'json')
    throw new ApiError(400, body.error.code, body.error.message, body.error.details)
  }
  return parsed.data
}
