/**
 * Step types in the editor's language: switched to 简体中文, the palette (titles, descriptions,
 * categories), the steps on the canvas (titles, output labels, edge labels) and a step's config
 * form read in Chinese from the node declarations' `locales`; back in English they read as
 * declared. Screenshots: test/artifacts/locales-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

describe('step types in 简体中文', () => {
  let session: EditorSession
  let page: Page

  beforeAll(async () => {
    session = await openEditor()
    page = session.page
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const paletteTitle = (type: string) => page.locator(`[data-palette-type="${type}"] strong`).textContent()
  const outputLabels = (node: string) => page.locator(`.react-flow__node[data-id="${node}"] .step-output-label`).allTextContents()

  it('shows the palette, steps, outputs and the config form in Chinese, and English again after', async () => {
    await page.goto(session.base)
    await page.getByTestId('empty-flows').waitFor()
    await page.locator('[data-template-id="abandoned-cart"] button').click()
    const wait = page.locator('.react-flow__node[data-id="wait-for-purchase"]')
    await wait.waitFor()
    await expect.poll(() => outputLabels('wait-for-purchase')).toEqual(['event', 'timeout'])
    expect(await paletteTitle('throttle')).toBe('Throttle')

    await page.getByTestId('language').selectOption('zh-CN')
    await expect.poll(() => paletteTitle('throttle')).toBe('频控')
    expect(await paletteTitle('filter-segment')).toBe('筛选分群')
    expect(await page.locator('.palette h3').first().textContent()).toBe('触发')
    expect(await page.locator('[data-palette-type="wait"] small').textContent()).toMatch(/^让客户等待/)
    // Labels translate; the handles keep the output names edges and flow files use.
    await expect.poll(() => outputLabels('wait-for-purchase')).toEqual(['发生事件', '超时'])
    expect(await wait.locator('.step-output-label').evaluateAll((els) => els.map((e) => e.getAttribute('data-output-label')))).toEqual(['event', 'timeout'])
    expect(await wait.locator('.step-title').textContent()).toMatch(/等待|Wait/)
    expect(await page.getByTestId('edge-label').allTextContents()).toEqual(expect.arrayContaining(['已进入', '超时']))

    // The form of the wait step: field titles and help from the declaration's zh-CN fields.
    await wait.locator('.step-head').click()
    const form = page.locator('.config-panel[data-config-for="wait-for-purchase"]')
    await form.waitFor()
    await expect.poll(() => form.textContent()).toContain('直到事件')
    expect(await form.textContent()).toContain('事件类型')
    expect(await form.locator('p.muted').first().textContent()).toMatch(/^让客户等待/)
    await session.shot('locales-zh')

    await page.getByTestId('language').selectOption('en')
    await expect.poll(() => paletteTitle('throttle')).toBe('Throttle')
    await expect.poll(() => outputLabels('wait-for-purchase')).toEqual(['event', 'timeout'])
    await expect.poll(() => form.textContent()).toContain('Until an event')
    await session.shot('locales-en')
  }, 240_000)
})
