/**
 * The one-click unsubscribe endpoint (RFC 8058) e-mails link to, mounted at `/unsubscribe`:
 *
 * - `POST /?token=…` with the body `List-Unsubscribe=One-Click` (what a mail client's
 *   unsubscribe button sends, and what the confirmation page's form sends) takes effect at once:
 *   the channel's consent is revoked and the address suppressed in one transaction, so no later
 *   send reaches the person. Answers 200 (HTML to a browser, JSON otherwise); repeating it is
 *   harmless.
 * - `GET /?token=…` only shows a small page whose button POSTs: mail scanners and link
 *   previews follow links, and must not unsubscribe anyone.
 *
 * A forged, altered or malformed token is a 400 in the API's error shape. Public: the signed
 * token is the authority, no login.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { applyUnsubscribe, verifyUnsubscribeToken, type UnsubscribePayload } from '../../engine/channels/unsubscribe.ts'
import type { Clock } from '../../engine/clock/clock.ts'
import { isUserError } from '../../engine/errors.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute } from '../http/api-route.ts'
import { errorBody, errorSchema, validationFailure } from '../http/errors.ts'

export interface UnsubscribeDeps {
  store: StorePort
  clock: Clock
  /** The `unsubscribe` secret of sluice.config.ts `secrets`; without it every request answers 503. */
  secret: string | undefined
}

const tags = ['unsubscribe']
const tokenQuery = z.object({ token: z.string().min(1).max(4_096).openapi({ description: 'The signed token of the link in the e-mail' }) })
const oneClick = z.object({ 'List-Unsubscribe': z.literal('One-Click').openapi({ description: 'RFC 8058: the body is List-Unsubscribe=One-Click' }) })
const unsubscribed = z
  .object({ unsubscribed: z.literal(true), channel: z.string().openapi({ example: 'email' }) })
  .openapi('Unsubscribed')
const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } })
const unavailable = { description: 'This server has no unsubscribe secret configured', content: { 'application/json': { schema: errorSchema } } }

const confirm = apiRoute('public', {
  method: 'get', path: '/', summary: 'The confirmation page of an unsubscribe link (changes nothing; its button POSTs)', tags,
  request: { query: tokenQuery },
  responses: { 200: page('A page with an unsubscribe button'), 503: unavailable },
})
const unsubscribe = apiRoute('public', {
  method: 'post', path: '/', summary: 'One-click unsubscribe (RFC 8058): takes effect at once', tags,
  request: {
    query: tokenQuery,
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: oneClick }, 'multipart/form-data': { schema: oneClick } } },
  },
  responses: {
    200: { description: 'Unsubscribed (HTML to a browser)', content: { 'application/json': { schema: unsubscribed }, 'text/html': { schema: z.string() } } },
    415: { description: 'The body is not form data', content: { 'application/json': { schema: errorSchema } } },
    503: unavailable,
  },
})

function layout(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head>
<body>${body}</body>
</html>`
}

const CHANNEL_WORDS: Record<string, string> = { email: 'e-mails', sms: 'text messages', call: 'calls', push: 'push notifications', wechat: 'WeChat messages', inbox: 'messages' }

export function unsubscribeRoutes(deps: UnsubscribeDeps): OpenAPIHono<ApiEnv> {
  /** The token's payload, or the response refusing it. */
  function check(c: Context<ApiEnv>, token: string): UnsubscribePayload | Response {
    if (deps.secret === undefined) return c.json(errorBody('unsubscribe-unavailable', 'one-click unsubscribe is not configured on this server (secrets.unsubscribe in sluice.config.ts)'), 503)
    try {
      return verifyUnsubscribeToken(deps.secret, token)
    } catch (error) {
      if (isUserError(error)) return c.json(errorBody(error.code, error.message, [{ path: 'query.token', message: error.message }]), 400)
      throw error
    }
  }

  // Self-contained: request problems answer in the API's error shape wherever this is mounted.
  const routes = new OpenAPIHono<ApiEnv>({ defaultHook: (result, c) => (result.success ? undefined : c.json(validationFailure(result.error, result.target), 400)) })
  // The validator would answer a body of another type with a bare 415; answer it in the error shape.
  routes.use('/', async (c, next) => {
    const type = c.req.header('content-type') ?? ''
    if (c.req.method === 'POST' && !/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
      return c.json(errorBody('unsupported-media-type', `the one-click body must be form data, List-Unsubscribe=One-Click (application/x-www-form-urlencoded or multipart/form-data), got ${type || 'no content type'}`), 415)
    }
    await next()
  })
  return routes
    .openapi(confirm, async (c) => {
      const { token } = c.req.valid('query')
      const payload = check(c, token)
      if (payload instanceof Response) return payload
      const what = CHANNEL_WORDS[payload.channel] ?? 'messages'
      return c.html(
        layout('Unsubscribe', html`<h1>Unsubscribe</h1>
<p>Stop receiving ${what} from us? It takes effect at once.</p>
<form method="post" action="?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`),
        200,
      )
    })
    .openapi(unsubscribe, async (c) => {
      const { token } = c.req.valid('query')
      const payload = check(c, token)
      if (payload instanceof Response) return payload
      try {
        await applyUnsubscribe(deps.store, payload, deps.clock.now())
      } catch (error) {
        // The person was erased or never imported: nobody left to send to, but say so.
        if (isUserError(error) && error.code === 'unsubscribe-customer') return c.json(errorBody('not-found', error.message), 404)
        throw error
      }
      if (c.req.header('accept')?.includes('text/html')) {
        return c.html(layout('Unsubscribed', html`<h1>You are unsubscribed</h1><p>You will not receive ${CHANNEL_WORDS[payload.channel] ?? 'messages'} from us any more.</p>`), 200)
      }
      return c.json({ unsubscribed: true as const, channel: payload.channel }, 200)
    })
}
