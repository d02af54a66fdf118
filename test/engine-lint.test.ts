/**
 * The determinism rule holds: ESLint fails a file in nodes/, examples/ (and engine/) that reads Date.now(),
 * new Date(), Math.random() or sets a timer, and lets the real clock module do it. The sample
 * lives in test/fixtures/lint/ (which the repository's lint run ignores) and is linted here as if
 * it sat inside nodes/.
 */
import { readFileSync } from 'node:fs'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const sample = readFileSync(new URL('./fixtures/lint/reads-clock.ts', import.meta.url), 'utf8')

async function lintAs(filePath: string) {
  const [result] = await new ESLint().lintText(sample, { filePath })
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message.split('.')[0]}`)
}

describe('determinism lint', () => {
  it('fails a node that reads the clock, randomness or timers', async () => {
    const messages = await lintAs('nodes/sample-node/index.ts')
    expect(messages).toEqual([
      "no-restricted-globals: Unexpected use of 'setTimeout'",
      'no-restricted-syntax: Read time through ctx',
      'no-restricted-syntax: Use ctx',
      'no-restricted-syntax: new Date() reads the wall clock: use ctx',
    ])
  })

  it('applies to examples/ (node code like nodes/), not to their tests', async () => {
    expect(await lintAs('examples/custom-node/sample.ts')).toEqual(await lintAs('nodes/sample-node/index.ts'))
    expect(await lintAs('examples/custom-node/sample.test.ts')).toEqual([])
  })

  it('applies to engine/ too, except the real clock', async () => {
    expect((await lintAs('engine/executor/sample.ts')).length).toBe(4)
    expect(await lintAs('engine/clock/real-clock.ts')).toEqual([])
  })
})
