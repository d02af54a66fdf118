/**
 * The engine the run-control commands (`publish`, `runs`, `pause`, `resume`, `cancel`) act
 * through: the same flow library and run control as the API, on the real clock. The commands
 * only write to the store; a running `sluice serve` picks their runs up at its next tick.
 */
import { allChannelsThrough } from '../../../engine/channels/channel-port.ts'
import { createLogChannel } from '../../../engine/channels/log-channel.ts'
import { RealClock } from '../../../engine/clock/real-clock.ts'
import { Engine } from '../../../engine/executor/engine.ts'
import type { EngineStore } from '../../../engine/ports/engine-store.ts'
import type { StorePort } from '../../../engine/ports/store.ts'
import type { NodeRegistry } from '../../../engine/registry/registry.ts'
import { FlowLibrary } from '../../../server/services/flow-library.ts'
import { openEngineStore } from '../../../store/open-engine-store.ts'

export interface ControlEnv {
  engineStore: EngineStore
  engine: Engine
  library: FlowLibrary
}

export function controlEnv(store: StorePort, registry: NodeRegistry): ControlEnv {
  const clock = new RealClock()
  const engineStore = openEngineStore(store)
  // Never ticks here, so nothing is delivered through this router.
  const engine = new Engine({ store: engineStore, registry, clock, channels: allChannelsThrough(createLogChannel()) })
  return { engineStore, engine, library: new FlowLibrary({ store: engineStore, engine, registry, now: () => clock.now() }) }
}
