/**
 * The engine store on both dialects for the per-concern contract tests (store/runs,
 * store/positions, …): SQLite in memory and Postgres (one schema per test file, emptied between
 * tests). Postgres is required: when it cannot be reached every Postgres test fails saying so.
 * Each test starts with customers c-1, c-2 and c-3.
 *
 * @example
 *   describeEngineStore('runs', (ctx) => {
 *     it('…', async () => { await ctx.engine.insertRun(run('r1')) })
 *   })
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest'
import type { EngineStore, OutboxIntent, PositionRow, RunRow } from '../../engine/ports/engine-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { createTestSchema, type TestSchema } from './postgres.ts'

export const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
export const HOUR = 3_600_000

interface Dialect {
  name: 'sqlite' | 'postgres'
  setup(): Promise<void>
  open(): Promise<StorePort>
  reset(): Promise<void>
  teardown(): Promise<void>
}

function sqlite(): Dialect {
  return {
    name: 'sqlite',
    setup: async () => {},
    open: () => openStore({ db: ':memory:', now: () => T0 }),
    reset: async () => {},
    teardown: async () => {},
  }
}

function postgres(suite: string): Dialect {
  let schema: TestSchema | undefined
  let unavailable: unknown
  return {
    name: 'postgres',
    setup: async () => {
      schema = await createTestSchema(suite).catch((error: unknown) => {
        unavailable = error
        return undefined
      })
    },
    open: () => {
      if (!schema) throw unavailable
      return openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now: () => T0 })
    },
    reset: async () => schema?.truncate(),
    teardown: async () => schema?.drop(),
  }
}

export interface EngineStoreContext {
  dialect: 'sqlite' | 'postgres'
  store: StorePort
  engine: EngineStore
  /** The store key of a customer of the fixture. */
  key(id: string): number
}

/** Runs `body` once per dialect on a fresh store with customers c-1, c-2 and c-3. */
export function describeEngineStore(concern: string, body: (ctx: EngineStoreContext) => void): void {
  describe.each([sqlite(), postgres(`the ${concern} contract suite`)])(`${concern} contract: $name`, (dialect) => {
    const keys = new Map<string, number>()
    const ctx = {
      dialect: dialect.name,
      key: (id: string) => {
        const found = keys.get(id)
        if (found === undefined) throw new Error(`no customer ${id} in the fixture`)
        return found
      },
    } as EngineStoreContext
    beforeAll(() => dialect.setup())
    afterAll(() => dialect.teardown())
    beforeEach(async () => {
      await dialect.reset()
      ctx.store = await dialect.open()
      ctx.engine = openEngineStore(ctx.store)
      await ctx.store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }])
      keys.clear()
      for (const customer of await ctx.store.getCustomers(['c-1', 'c-2', 'c-3'])) keys.set(customer.id, customer.key)
      return () => ctx.store.close()
    })
    body(ctx)
  })
}

export function run(id: string, flowId = 'welcome'): RunRow {
  return {
    id, flowId, flowVersion: 1, state: 'running', snapshot: '{"value":"running"}', seed: `seed-${id}`, accepting: true, policy: null,
    replaces: null, options: '{}', createdAt: T0, updatedAt: T0,
  }
}

export function position(runId: string, customerKey: number, patch: Partial<PositionRow> = {}): PositionRow {
  return {
    runId, customerKey, nodeId: 'wait', state: 'active', dueAt: T0 + HOUR, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0,
    seq: 1, holdout: false, enteredAt: T0, arrivedAt: T0, triggerEventKey: null, lastOutput: null, error: null, updatedAt: T0, ...patch,
  }
}

export function intent(key: string, customerKey: number, patch: Partial<OutboxIntent> = {}): OutboxIntent {
  return {
    key, runId: 'r1', flowId: 'welcome', nodeId: 'send', customerKey, channel: 'email', message: '{"template":"hi"}', offer: null,
    createdAt: T0, nextAttemptAt: T0, ...patch,
  }
}
