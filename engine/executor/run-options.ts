/**
 * Engine settings of a run, fixed when it is published and stored on the run row, so a restart
 * or a replay runs it the same way.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.ts'
import type { PolicyGate } from '../registry/node-facts.ts'
import { zodIssuesToIssues } from '../sdk/zod-issues.ts'

export const runOptionsSchema = z.strictObject({
  /** Customers per batch: a node's `run` is called once per batch of its cohort. */
  batchSize: z.number().int().min(1).max(100_000).default(5_000),
  /** A node that throws is retried this many times in all (per customer), then the customers move to the error state. */
  nodeAttempts: z.number().int().min(1).max(20).default(3),
  /** Delay before the first node retry; each further retry doubles it. */
  nodeRetryMs: z.number().int().min(0).default(60_000),
  /** Delivery attempts of a send before it is dead-lettered. */
  sendAttempts: z.number().int().min(1).max(50).default(5),
  /** Delay before the first delivery retry; each further retry doubles it, up to `sendRetryMaxMs`. */
  sendRetryMs: z.number().int().min(0).default(60_000),
  sendRetryMaxMs: z.number().int().min(0).default(6 * 3_600_000),
  /** Schedule triggers: at most this many missed fires are caught up after downtime (the latest ones). */
  maxCatchUpFires: z.number().int().min(1).max(10_000).default(100),
})

export type RunOptions = z.output<typeof runOptionsSchema>
export type RunOptionsInput = z.input<typeof runOptionsSchema>

/** Validated options with defaults; throws a ValidationError naming each bad field. */
export function parseRunOptions(input: unknown = {}): RunOptions {
  const parsed = runOptionsSchema.safeParse(input ?? {}, { reportInput: true })
  if (parsed.success) return parsed.data
  const issues = zodIssuesToIssues(parsed.error.issues, { code: 'run.options', prefix: 'options', schema: runOptionsSchema })
  throw new ValidationError(`invalid run options:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
}

/**
 * A run row's `options` text: the settings above plus the contact-policy gates of the flow
 * version it runs (`gates`: node and channel, from the nodes' `gatesChannel` declarations on
 * their upgraded configs, engine/registry/node-facts.ts). The contact-policy SQL reads the gates
 * of other running flows from here, as data, never node types or configs out of the flow JSON.
 */
export function runOptionsText(options: RunOptions, gates: readonly PolicyGate[]): string {
  return JSON.stringify({ ...options, gates })
}

/** The settings and gates of a run row's `options` text; `gates` is undefined for runs stored before gates were. */
export function readRunOptions(text: string): { options: RunOptions; gates: PolicyGate[] | undefined } {
  const { gates, ...settings } = JSON.parse(text) as { gates?: PolicyGate[] } & Record<string, unknown>
  return { options: parseRunOptions(settings), gates }
}

/** Exponential backoff: `base × 2^(attempt − 1)`, capped at `max`. */
export function backoff(attempt: number, base: number, max = Number.MAX_SAFE_INTEGER): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1))
}
