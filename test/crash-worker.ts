/**
 * The process the crash test kills: `node --import tsx test/crash-worker.ts DB MODE`.
 *
 * - `start`: loads 10,000 customers, publishes "everyone → wait 1 day → send" with batches of
 *   1,000, and runs the simulated clock; inside the transaction of the 4th batch after the wait
 *   (its positions, journal and outbox intents written, not committed) it prints `IN-BATCH` and
 *   hangs, so the parent's SIGKILL lands mid-batch.
 * - `resume`: opens the same file with a new engine and runs to the end, printing the summary.
 */
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import { NodeRegistry } from '../engine/registry/registry.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import trigger from '../nodes/trigger/index.ts'
import wait from '../nodes/wait/index.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { DAY, flowOf, sendNode, T0 } from './engine-harness.ts'

export const CRASH_CUSTOMERS = 10_000
export const CRASH_FLOW = flowOf(
  'crash-test',
  [
    { id: 'start', type: 'trigger', config: { audience: {} } },
    { id: 'wait', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'mail', type: 'send', config: { channel: 'email', template: 'hello' } },
  ],
  [
    { from: 'start', output: 'entered', to: 'wait' },
    { from: 'wait', output: 'done', to: 'mail' },
  ],
)

const [db, mode] = process.argv.slice(2)
if (db && (mode === 'start' || mode === 'resume')) {
  const clock = new SimulatedClock(T0)
  const store = await openStore({ db, now: () => clock.now() })
  const registry = new NodeRegistry()
  for (const node of [trigger, wait, sendNode()]) registry.register(node)
  let afterWait = 0
  const engine = new Engine({
    store: openEngineStore(store),
    registry,
    clock,
    channels: allChannelsThrough(createLogChannel()),
    hooks: {
      async beforeCommit() {
        if (mode !== 'start' || clock.now() < T0 + DAY) return
        afterWait++
        if (afterWait === 4) {
          process.stdout.write('IN-BATCH\n')
          await new Promise(() => {})
        }
      },
    },
  })
  if (mode === 'start') {
    await store.upsertCustomers(Array.from({ length: CRASH_CUSTOMERS }, (_, i) => ({ id: `c-${i}` })))
    await engine.publish(CRASH_FLOW, { options: { batchSize: 1_000 } })
  }
  await new Scheduler(engine, clock).runUntil(T0 + 3 * DAY)
  const [run] = await openEngineStore(store).listRuns()
  process.stdout.write(`${JSON.stringify(await engine.summary(run?.id as string))}\n`)
  await store.close()
}
