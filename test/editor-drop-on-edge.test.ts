/**
 * A step dragged from the palette onto an arrow lands centred on the pointer, inserted into the
 * arrow, and when it would cover the step the arrow led to, that step (and the chain after it)
 * moves down, in the same undo step. Screenshot: test/artifacts/drop-on-edge.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

describe('dropping a step on an arrow', () => {
  let session: EditorSession
  let page: Page

  beforeAll(async () => {
    session = await openEditor()
    page = session.page
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const box = async (selector: string) => {
    const b = await page.locator(selector).boundingBox()
    if (!b) throw new Error(`no box for ${selector}`)
    return b
  }

  it('centres the step on the pointer, moves the covered next step down, and undoes as one step', async () => {
    await page.goto(session.base)
    await page.getByTestId('empty-flows').waitFor()
    await page.locator('[data-template-id="abandoned-cart"] button').click()
    const next = '.react-flow__node[data-id="wait-for-purchase"]'
    await page.locator(next).waitFor()
    await expect.poll(() => page.locator(next).evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    const before = await box(next)

    // Drop on the middle of the arrow cart-added → wait-for-purchase (its label sits there and lets the pointer through).
    const label = await box('[data-testid="edge-label"][data-edge="cart-added|entered|wait-for-purchase"]')
    const drop = { x: label.x + label.width / 2, y: label.y + label.height / 2 }
    const item = await box('[data-palette-type="throttle"]')
    await page.mouse.move(item.x + 20, item.y + 10)
    await page.mouse.down()
    await page.mouse.move(drop.x - 40, drop.y - 20, { steps: 5 })
    await page.mouse.move(drop.x, drop.y, { steps: 5 })
    await page.mouse.up()
    const added = '.react-flow__node[data-id="throttle"]'
    await page.locator(added).waitFor()
    await expect.poll(() => page.getByTestId('edge-label').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')))).toEqual(
      expect.arrayContaining(['cart-added|entered|throttle', 'throttle|pass|wait-for-purchase']),
    )

    // Centred on the pointer (within a few pixels: the step's measured size is close to the layout's 240 × 84).
    await expect.poll(async () => { const b = await box(added); return Math.abs(b.x + b.width / 2 - drop.x) }).toBeLessThan(12)
    const b = await box(added)
    expect(Math.abs(b.y + b.height / 2 - drop.y)).toBeLessThan(25)
    // The next step no longer lies under it.
    await expect.poll(async () => { const n = await box(next); return n.y >= b.y + b.height || n.x >= b.x + b.width || n.x + n.width <= b.x }).toBe(true)
    await session.shot('drop-on-edge')

    // One undo: the step is gone and the next step is back where it was.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } })
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator(added).count()).toBe(0)
    await expect.poll(async () => { const n = await box(next); return [Math.round(n.x - before.x), Math.round(n.y - before.y)] }).toEqual([0, 0])
  }, 240_000)
})
