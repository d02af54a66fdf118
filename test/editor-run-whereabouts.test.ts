/**
 * The operator's run view in Debian's Chromium (playwright-core): the `where` campaign published
 * on a test server (test/support/whereabouts-run.ts, with 28 more customers waiting beside w-2 and
 * w-3) shows on each step where its customers are — "30 waiting until <day>" at `settle`, "1 held
 * until <day>" at the gate, "1 done" — and the panel of a clicked step pages its customers with
 * why each is there (the cap and its window for the held one), in English and in Chinese.
 * Screenshots go to test/artifacts/ to be looked at.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../server/testing.ts'
import { openEditor, type EditorSession } from './support/editor-browser.ts'
import { DAY, seedWhereaboutsRun, WHERE_FLOW } from './support/whereabouts-run.ts'

const JSON_BODY = { 'content-type': 'application/json' }
const EXTRA = 28
let now = 0

/** The flow in the library, published through the API five days before `now`, run on the server's engine and clock. */
async function seed(server: TestServer): Promise<void> {
  now = server.clock.now() + 5 * DAY
  expect((await server.request('POST', '/api/flows', { flow: WHERE_FLOW }, JSON_BODY)).status).toBe(201)
  await seedWhereaboutsRun(server.ctx.engineStore, server.ctx.registry, now, {
    extra: EXTRA,
    via: {
      clock: server.clock,
      publish: async () => {
        const response = await server.request('POST', '/api/flows/where/publish', { policy: 'pin' }, JSON_BODY)
        expect(response.status).toBe(200)
        return { id: ((await response.json()) as { runId: string }).runId }
      },
      tick: () => server.tick(),
    },
  })
}

describe('the run view in Chromium', () => {
  let session: EditorSession
  let page: Page

  beforeAll(async () => {
    session = await openEditor(seed)
    ;({ page } = session)
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const badges = (nodeId: string) => page.locator(`[data-testid="whereabouts-badges"][data-node-id="${nodeId}"] li`)
  const day = (ms: number, locale = 'en-GB') => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(ms))

  it('badges every step with who waits until when, who is held and who is done', async () => {
    await page.goto(`${session.base}/#/flows/where`)
    const trigger = page.locator('.react-flow__node[data-id="in"]')
    await trigger.waitFor()
    // React Flow shows the steps once it has measured them.
    await expect.poll(() => trigger.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    expect(await page.locator('[data-testid="whereabouts-badges"]').count()).toBe(0)
    await page.getByTestId('whereabouts-toggle').click()
    await expect.poll(() => badges('settle').allTextContents(), { timeout: 15_000 }).toEqual([`${EXTRA + 2} waiting until ${day(now - 60_000 + 3 * DAY)}`, '1 done'])
    expect(await badges('cap').allTextContents()).toEqual([`1 held until ${day(now - 3_600_000 + 7 * DAY)}`])
    expect(await badges('cap').first().getAttribute('data-kind')).toBe('held')
    expect(await page.locator('[data-testid="whereabouts-badges"][data-node-id="in"]').count()).toBe(0)
    expect(await page.getByTestId('whereabouts-totals').textContent()).toBe(`${EXTRA + 2} waiting · 1 held · 0 in error · 1 done`)
    expect(await page.getByTestId('whereabouts-run').inputValue()).toMatch(/^where-v1-/)
  })

  it('lists the customers at the clicked step with why they are there, paged', async () => {
    await page.locator('.react-flow__node[data-id="cap"]').click()
    const panel = page.getByTestId('whereabouts-panel')
    const held = panel.locator('tr[data-customer-id="w-1"]')
    await held.waitFor()
    expect(await held.getAttribute('data-whereabout')).toBe('held')
    expect(await held.locator('td.why').getAttribute('data-reason-code')).toBe('cap:email:week')
    expect(await held.locator('td.why').textContent()).toContain("deferred (cap:email:week): the email cap for the week was reached (this gate's cap: at most 1 per rolling week (the last 7 days))")
    await session.shot('editor-run-whereabouts-held')

    await page.locator('.react-flow__node[data-id="settle"]').click()
    const rows = panel.locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(25)
    expect(await panel.getByTestId('whereabouts-days').locator('.whereabouts-day[data-count]').evaluateAll((els) => els.map((e) => e.getAttribute('data-count')))).toEqual([String(EXTRA + 2)])
    await panel.getByTestId('whereabouts-more').click()
    await expect.poll(() => rows.count()).toBe(EXTRA + 3)
    expect(await panel.getByTestId('whereabouts-more').count()).toBe(0)
    await panel.getByTestId('whereabouts-state').selectOption('done')
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-customer-id')))).toEqual(['w-4'])
    expect(await rows.first().locator('td.why').textContent()).toBe('finished the journey on "done"')
    await panel.getByTestId('whereabouts-state').selectOption('waiting')
    await expect.poll(() => rows.count()).toBe(25)
    expect(await rows.first().locator('td.why').textContent()).toBe(`waiting until ${new Date(now - 60_000 + 3 * DAY).toISOString()}, then taken up here`)
    await session.shot('editor-run-whereabouts')
  })

  it('speaks Chinese', async () => {
    await page.getByTestId('language').selectOption('zh-CN')
    await expect.poll(() => badges('settle').allTextContents()).toEqual([`${EXTRA + 2} 人等待至 ${day(now - 60_000 + 3 * DAY, 'zh-CN')}`, '1 人已完成'])
    expect(await badges('cap').allTextContents()).toEqual([`1 人被暂缓至 ${day(now - 3_600_000 + 7 * DAY, 'zh-CN')}`])
    expect(await page.getByTestId('whereabouts-toggle').textContent()).toBe('隐藏客户分布')
    expect(await page.getByTestId('whereabouts-run').locator('option').first().textContent()).toMatch(/^v1 · 运行中 · where-v1-/)
    await session.shot('editor-run-whereabouts-zh')
    await page.getByTestId('language').selectOption('en')
  })
})
