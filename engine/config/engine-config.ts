/**
 * The `engine` section of sluice.config.ts: how `sluice serve` runs node code. Tests,
 * `sluice run` and the dev server always guard determinism with `throw`; a production server
 * may lower it to `warn` (log each offending node and call once, let it through) or `off`.
 */
import { z } from 'zod'
import { DETERMINISM_GUARD_MODES } from '../sdk/determinism-guard.ts'

export const engineConfigSchema = z
  .strictObject({
    determinismGuard: z
      .enum(DETERMINISM_GUARD_MODES)
      .default('throw')
      .meta({ description: "While node code runs, Date.now(), new Date(), Math.random(), timers and process.env throw ('throw'), warn once per node and call ('warn') or are not checked ('off')." }),
  })
  .meta({ description: 'How the server runs node code.' })

export type EngineConfig = z.output<typeof engineConfigSchema>
