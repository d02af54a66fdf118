/**
 * The `server` section of sluice.config.ts: how people reach this installation. `publicUrl` is
 * the origin links in messages point at (the one-click unsubscribe endpoint is
 * `<publicUrl>/unsubscribe`); without it `sluice serve` uses the address it listens on, which
 * only works for mail read on the same machine.
 */
import { z } from 'zod'

export const serverConfigSchema = z
  .strictObject({
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .refine((url) => !url.includes('?') && !url.includes('#'), 'expected a base URL without a query or fragment, e.g. https://sluice.example.com')
      .optional()
      .meta({ description: 'The URL this server is reached at from outside, e.g. https://sluice.example.com (links in messages).' }),
  })
  .meta({ description: 'How people reach this server.' })

export type ServerConfig = z.output<typeof serverConfigSchema>

/** `publicUrl` without a trailing slash, so paths can be appended. */
export function normalizePublicUrl(url: string): string {
  return url.replace(/\/+$/, '')
}
