import { mkdtempSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildLock } from './editor-assets.ts'

describe('editor build lock', () => {
  it('lets one holder in at a time and the next in once it is released', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-lock-')), '.build.lock')
    const order: string[] = []
    const first = await buildLock(file)
    order.push('first in')
    const second = buildLock(file).then((release) => {
      order.push('second in')
      return release
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(order).toEqual(['first in'])
    order.push('first out')
    await first()
    const release = await second
    expect(order).toEqual(['first in', 'first out', 'second in'])
    await release()
    expect(existsSync(file)).toBe(false)
  })

  it('takes over a lock left behind by a process that died mid-build', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-lock-')), '.build.lock')
    writeFileSync(file, '')
    const old = (Date.now() - 10 * 60_000) / 1000
    utimesSync(file, old, old)
    const release = await buildLock(file)
    await release()
    expect(existsSync(file)).toBe(false)
  })
})
