/**
 * The editor in Debian's Chromium (playwright-core): a marketer starts from a template, sees
 * the canvas with named outputs, adds a step by dragging from the palette and another with the
 * "+" on a handle, edits a setting in the generated form, undoes and redoes, watches the
 * draft autosave, sees the publish dialog's forecast, and publishes. Screenshots go to
 * test/artifacts/ to be looked at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { TestServer } from '../server/testing.ts'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

describe('editor in Chromium', () => {
  let session: EditorSession
  let server: TestServer
  let page: Page
  let base: string

  beforeAll(async () => {
    session = await openEditor()
    ;({ server, page, base } = session)
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const shot = (name: string) => session.shot(name)

  it('starts from a template, edits on the canvas, autosaves, undoes and publishes', async () => {
    await page.goto(base)
    await page.getByTestId('empty-flows').waitFor()
    await page.locator('[data-template-id="abandoned-cart"] button').click()
    const trigger = page.locator('.react-flow__node[data-id="cart-added"]')
    await trigger.waitFor()
    await expect.poll(() => trigger.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    // Named outputs carry their labels; edges are labelled with their output.
    await expect.poll(() => page.locator('.react-flow__node[data-id="wait-for-purchase"] .step-output-label').allTextContents()).toEqual(['event', 'timeout'])
    expect(await page.getByTestId('edge-label').allTextContents()).toEqual(expect.arrayContaining(['entered', 'timeout']))
    await shot('editor-template')

    // Drag "measure" from the palette onto the empty pane (pointer events).
    const item = page.locator('[data-palette-type="measure"]')
    // The palette lists the steps in reading order, the goal step last: scroll to it first.
    await item.scrollIntoViewIfNeeded()
    const pane = await page.locator('.react-flow__pane').boundingBox()
    if (!pane) throw new Error('no pane')
    const box = await item.boundingBox()
    if (!box) throw new Error('no palette item')
    await page.mouse.move(box.x + 20, box.y + 10)
    await page.mouse.down()
    await page.mouse.move(pane.x + pane.width - 200, pane.y + 80, { steps: 5 })
    await page.mouse.move(pane.x + pane.width - 150, pane.y + 100, { steps: 5 })
    await page.mouse.up()
    await page.locator('.react-flow__node[data-id="measure"]').waitFor()

    // The "+" under the "event" output opens the picker; pick "wait".
    await page.locator('.react-flow__node[data-id="wait-for-purchase"] .add-after[data-output="event"]').click()
    await page.getByRole('dialog').locator('[data-pick-type="wait"]').click()
    await page.locator('.react-flow__node[data-id="wait"]').waitFor()
    expect(await page.getByTestId('edge-label').allTextContents()).toContain('event')

    // The autosave lands, and the server's problems show (the new wait has no duration).
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved')
    const saved = await server.ctx.engineStore.getFlowDraft('abandoned-cart')
    expect(JSON.parse(saved?.definition ?? '{}').nodes.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining(['measure', 'wait']))
    await shot('editor-edited')

    // Undo removes the added wait, redo brings it back (keyboard, outside any field).
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } })
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator('.react-flow__node[data-id="wait"]').count()).toBe(0)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => page.locator('.react-flow__node[data-id="wait"]').count()).toBe(1)

    // Remove both new steps again with the keyboard so the flow is valid, then publish.
    await page.locator('.react-flow__node[data-id="wait"]').click()
    await page.keyboard.press('Delete')
    await page.locator('.react-flow__node[data-id="measure"]').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3)
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved')
    await page.getByTestId('publish').click()
    // The dialog forecasts the next 7 days before anything is published, and the store keeps none of it.
    await page.getByTestId('forecast-result').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('forecast-summary').textContent()).toMatch(/^\d+ customers? enters? · holdout \d+ \(10 %\)$/)
    expect(await page.getByTestId('forecast-limits').count()).toBe(1)
    expect(await server.ctx.engineStore.listRuns({ flowId: 'abandoned-cart' })).toEqual([])
    await shot('editor-publish-forecast')
    await page.getByTestId('publish-confirm').click()
    await expect.poll(() => page.getByTestId('publish-result').textContent(), { timeout: 15_000 }).toMatch(/^Published v1: run abandoned-cart-v1-/)
    const runs = await server.ctx.engineStore.listRuns({ flowId: 'abandoned-cart' })
    expect(runs.map((r) => r.state)).toEqual(['running'])
    await shot('editor-published')
  }, 120_000)

  it('switches to 简体中文', async () => {
    await page.goto(`${base}/#/`)
    await page.getByTestId('language').selectOption('zh-CN')
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('营销活动')
    await shot('editor-zh')
    await page.getByTestId('language').selectOption('en')
  })
})
