/**
 * How customers enter a flow, as a trigger node declares it through `entry(config)`. The engine
 * handles each kind (set-based SQL over events, a cron schedule, an audience) without knowing
 * any trigger's type name, so a custom trigger is as capable as the built-in one.
 */

import type { Segment } from '../segment/schema.ts'

/** Property equality conditions on an event: `{ "channel": "app" }`. */
export type PropertyMatch = Readonly<Record<string, string | number | boolean>>

/**
 * Who an audience is: a segment (the engine/segment format, evaluated by the store as of the
 * entry time), a fixed list of external customer ids, or — with neither — every customer.
 */
export interface AudienceSpec {
  segment?: Segment
  customers?: readonly string[]
}

/** Entry kinds, discriminated on `type`. */
export type EntrySpec =
  /** Each event of `eventType` (properties equal to `where`) lets its customer enter at the event's time. */
  | { type: 'event'; eventType: string; where?: PropertyMatch }
  /** At every fire of `cron` in `timeZone`, the audience (as of the fire) enters. */
  | { type: 'schedule'; cron: string; timeZone: string; audience: AudienceSpec }
  /** The audience enters once: when the run starts, or at `at` (epoch ms). */
  | { type: 'audience'; audience: AudienceSpec; at?: number }

/** The event that made a customer enter an event-triggered flow; later nodes may correlate with it (same order id). */
export interface TriggerEvent {
  id: string
  type: string
  at: number
  properties: Readonly<Record<string, unknown>>
}
