/**
 * The determinism lint rule catches each way node code reaches the wall clock, unkeyed
 * randomness, timers or the environment — directly, through globalThis / window, or
 * destructured — in nodes/ and examples/, and lets the pure parts (new Date(ms), Date.UTC,
 * ctx.now()) through. Each sample is linted with ESLint's Node API as if it sat in a node folder.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

/** The determinism messages ESLint reports for `code` at `filePath`, first sentence only. */
async function reported(code: string, filePath = 'nodes/sample-node/index.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted-')).map((m) => m.message.split(/[.:]\s/)[0] ?? m.message)
}

const CLOCK = 'Read time through ctx'
const NEW_DATE = 'new Date() reads the wall clock'
const DATE_CALL = 'Date() reads the wall clock'
const RANDOM = 'Use ctx'
const ENV = 'Read settings and secrets through ctx (ctx'

describe('determinism lint in node code', () => {
  it.each([
    ['Date.now()', 'export const at = Date.now()', CLOCK],
    ['globalThis.Date.now()', 'export const at = globalThis.Date.now()', CLOCK],
    ['window.Date.now()', 'declare const window: typeof globalThis\nexport const at = window.Date.now()', CLOCK],
    ['Date.now as a value', 'export const clock = { now: Date.now }', CLOCK],
    ['const { now } = Date', 'const { now } = Date\nexport const at = now()', CLOCK],
    ['const { now: wall } = globalThis.Date', 'const { now: wall } = globalThis.Date\nexport const at = wall()', CLOCK],
    ['new Date()', 'export const day = new Date()', NEW_DATE],
    ['new globalThis.Date()', 'export const day = new globalThis.Date()', NEW_DATE],
    ['Date()', 'export const day = Date()', DATE_CALL],
    ['performance.now()', 'export const at = performance.now()', CLOCK],
    ['const { now } = performance', 'const { now } = performance\nexport const at = now()', CLOCK],
    ['Math.random()', 'export const roll = Math.random()', RANDOM],
    ['globalThis.Math.random()', 'export const roll = globalThis.Math.random()', RANDOM],
    ['const { random } = Math', 'const { random } = Math\nexport const roll = random()', RANDOM],
    ['crypto.randomUUID()', 'export const id = crypto.randomUUID()', RANDOM],
    ['crypto.getRandomValues()', 'export const bytes = crypto.getRandomValues(new Uint8Array(4))', RANDOM],
    ['process.env', "export const key = process.env['API_KEY']", ENV],
    ['const { env } = process', 'const { env } = process\nexport const key = env.API_KEY', ENV],
    ['setImmediate()', 'setImmediate(() => undefined)', "Unexpected use of 'setImmediate'"],
    ["import { randomUUID } from 'node:crypto'", "import { randomUUID } from 'node:crypto'\nexport const id = randomUUID()", "'randomUUID' import from 'node:crypto' is restricted"],
    ["import { randomUUID as uuid } from 'crypto'", "import { randomUUID as uuid } from 'crypto'\nexport const id = uuid()", "'randomUUID' import from 'crypto' is restricted"],
    ["import { randomBytes } from 'node:crypto'", "import { randomBytes } from 'node:crypto'\nexport const salt = randomBytes(4)", "'randomBytes' import from 'node:crypto' is restricted"],
    ["import { randomInt } from 'crypto'", "import { randomInt } from 'crypto'\nexport const roll = randomInt(6)", "'randomInt' import from 'crypto' is restricted"],
    ["import { performance } from 'node:perf_hooks'", "import { performance } from 'node:perf_hooks'\nexport const t = performance", "'performance' import from 'node:perf_hooks' is restricted"],
    ["import { performance } from 'perf_hooks'", "import { performance } from 'perf_hooks'\nexport const t = performance", "'performance' import from 'perf_hooks' is restricted"],
    ["import { setTimeout } from 'node:timers'", "import { setTimeout as later } from 'node:timers'\nexport const t = later", "'setTimeout' import from 'node:timers' is restricted"],
    ["import { setTimeout } from 'node:timers/promises'", "import { setTimeout as sleep } from 'node:timers/promises'\nexport const t = sleep", "'node:timers/promises' import is restricted"],
  ])('reports %s', async (_name, code, message) => {
    const messages = await reported(code)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(message)
  })

  it('reports the same in examples/, but not in tests', async () => {
    const code = "export const x = [Date(), globalThis.Date.now(), process.env['HOME']]"
    expect(await reported(code, 'examples/custom-node/sample.ts')).toEqual(await reported(code))
    expect(await reported(code)).toHaveLength(3)
    expect(await reported(code, 'examples/custom-node/sample.test.ts')).toEqual([])
  })

  it('lets the deterministic parts of node:crypto through, and refuses the imports in examples/ too', async () => {
    const hashing = "import { createHash, createHmac } from 'node:crypto'\nexport const h = createHash('sha256').update('a').digest('hex') + createHmac('sha256', 'k').digest('hex')"
    expect(await reported(hashing)).toEqual([])
    const uuid = "import { randomUUID } from 'node:crypto'\nexport const id = randomUUID()"
    expect(await reported(uuid, 'examples/custom-node/sample.ts')).toEqual(await reported(uuid))
    expect(await reported(uuid, 'examples/custom-node/sample.test.ts')).toEqual([])
  })

  it('lets the pure parts of Date and the context through', async () => {
    const code = [
      'declare const ctx: { now(): number; random(key: string): number }',
      'export const day = new Date(ctx.now()).toISOString()',
      "export const start = Date.UTC(2025, 2, 3) + Date.parse('2025-03-03T00:00:00Z')",
      "export const roll = ctx.random('ann')",
    ].join('\n')
    expect(await reported(code)).toEqual([])
  })

  it('lets engine code read its environment (only node code is refused process.env)', async () => {
    expect(await reported("export const url = process.env['DATABASE_URL']", 'engine/executor/sample.ts')).toEqual([])
    expect(await reported('export const at = Date.now()', 'engine/executor/sample.ts')).toHaveLength(1)
  })
})
