/**
 * The segment builder and the results view in Debian's Chromium (playwright-core), against a
 * server over an in-memory store of 240 customers with a typed attribute catalogue: the
 * marketer edits a filter step's segment in the builder and watches the live count follow
 * (checked against the store), then publishes, and after the run reads the results charts,
 * whose bars must carry the report API's own figures. Screenshots go to test/artifacts/.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inHoldout } from '../engine/executor/admit.ts'
import type { TestServer } from '../server/testing.ts'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const HOUR = 3_600_000
const DAY = 24 * HOUR
const CUSTOMERS = 240
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `m-${String(i + 1).padStart(3, '0')}`)
/** Customer i has been with us i % 36 months; plans rotate. */
const tenure = (i: number) => i % 36
const PLANS = ['basic', 'plus', 'premium'] as const
const HOLDOUT_PERCENT = 50
/** After the campaign starts 2 in 5 treated customers buy, 1 in 5 of those held out: an uplift to show. */
const buys = (i: number) => (inHoldout('loyalty', ids[i]!, HOLDOUT_PERCENT) ? i % 5 === 0 : i % 5 < 2)

const FLOW = {
  id: 'loyalty', name: 'Loyalty thank-you', version: 1,
  nodes: [
    { id: 'everyone', type: 'trigger', config: { audience: {} } },
    { id: 'loyal', type: 'filter-segment', title: 'Loyal customers', config: { segment: { type: 'attribute', name: 'tenure', op: 'gte', value: 12 } } },
    { id: 'thank', type: 'choose-channel', title: 'Thank-you e-mail', config: { candidates: [{ channel: 'email', subject: 'Thank you', body: 'Thanks for staying with us.' }] } },
    { id: 'goal', type: 'measure', title: 'Purchase in 7 days', config: { event: 'purchase', withinDays: 7 } },
  ],
  edges: [
    { from: 'everyone', output: 'entered', to: 'loyal' },
    { from: 'loyal', output: 'match', to: 'thank' },
    { from: 'thank', output: 'email', to: 'goal' },
  ],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: HOLDOUT_PERCENT } },
  layout: { everyone: { x: 0, y: 0 }, loyal: { x: 0, y: 160 }, thank: { x: 0, y: 320 }, goal: { x: 0, y: 480 } },
}

async function seed(server: TestServer): Promise<void> {
  const { store } = server.ctx
  const t0 = server.clock.now()
  await store.defineAttributes([
    { name: 'tenure', type: 'number', source: 'declared', description: 'Months as a customer' },
    { name: 'plan', type: 'enum', values: [...PLANS], source: 'declared' },
  ])
  await store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { tenure: tenure(i), plan: PLANS[i % 3] as string }, addresses: { email: `${id}@example.com` } })))
  await store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: t0 - DAY })))
  await store.insertEvents(ids.filter((_, i) => buys(i)).map((customerId, i) => ({ id: `buy-${i}`, customerId, type: 'purchase', at: t0 + 2 * HOUR, properties: { amount: 20 } })))
  // Logins before the campaign: a quarter 10 days ago, another quarter 60 days ago.
  await store.insertEvents(ids.flatMap((customerId, i) => (i % 4 < 2 ? [{ id: `login-${i}`, customerId, type: 'login', at: t0 - (i % 4 === 0 ? 10 : 60) * DAY, properties: {} }] : [])))
}

describe('segment builder and results in Chromium', () => {
  let session: EditorSession
  let server: TestServer
  let page: Page
  let base: string

  beforeAll(async () => {
    session = await openEditor(seed)
    ;({ server, page, base } = session)
    // A step that cannot happen fails with what it waited for, well inside the test's time.
    page.setDefaultTimeout(15_000)
    expect((await server.request('POST', '/api/flows', { flow: FLOW }, { 'content-type': 'application/json' })).status).toBe(201)
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const matching = (test: (i: number) => boolean) => ids.filter((_, i) => test(i)).length
  /** axe-core's serious and critical WCAG 2 A/AA violations inside `selector`, as "rule: target" lines. */
  async function accessibilityProblems(selector: string): Promise<string[]> {
    // Evaluated rather than added as a script tag: the editor's CSP refuses inline scripts.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE)
    return page.evaluate(async (scope) => {
      const axe = (window as unknown as { axe: { run(context: string, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
      const result = await axe.run(scope, { runOnly: ['wcag2a', 'wcag2aa'] })
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} ${JSON.stringify((n as unknown as { any: { data: unknown }[] }).any[0]?.data ?? '')}`))
    }, selector)
  }
  const preview = () => page.getByTestId('segment-preview')
  const countShown = async () => {
    const state = await preview().getAttribute('data-preview-state')
    return state === 'counted' || state === 'empty' ? Number(await preview().getAttribute('data-segment-count')) : null
  }

  it('edits the filter step’s segment in the builder and the live count follows', async () => {
    await page.goto(`${base}/#/flows/loyalty`)
    const node = page.locator('.react-flow__node[data-id="loyal"]')
    await node.waitFor()
    await expect.poll(() => node.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    await node.click()
    const builder = page.locator('[data-config-for="loyal"] [data-testid="segment-builder"]')
    await builder.waitFor()
    // The flow's segment, read in plain language and counted by the server.
    expect(await page.getByTestId('segment-reading').textContent()).toBe('Customers whose tenure is at least 12.')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 12))
    expect(await preview().locator('[data-sample-id]').count()).toBe(5)
    // Opening the builder is not an edit: the draft stays saved, with nothing to undo.
    expect(await page.getByTestId('save-state').getAttribute('class')).toBe('save-state saved')

    // Typing a new threshold re-counts once, after the last key (debounced): not once per key.
    let previews = 0
    page.on('request', (request) => { if (request.url().endsWith('/api/segments/preview')) previews++ })
    const threshold = builder.locator('[data-segment-input="value"]')
    await threshold.fill('')
    await threshold.pressSequentially('30', { delay: 30 })
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 30))
    expect(previews).toBe(1)
    expect(await page.getByTestId('segment-reading').textContent()).toBe('Customers whose tenure is at least 30.')

    // A second condition makes the group a real AND: plan is premium.
    await builder.locator('.ruleGroup-addRule').first().click()
    const second = builder.locator('.rule').nth(1)
    await second.locator('.rule-fields').selectOption('attribute:plan')
    await second.locator('[data-segment-input="value"]').selectOption('premium')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 30 && PLANS[i % 3] === 'premium'))
    await preview().scrollIntoViewIfNeeded()
    await session.shot('editor-segment-builder')

    // NOT over the group: everyone else.
    await builder.locator('.ruleGroup-notToggle input').first().check()
    await expect.poll(countShown, { timeout: 15_000 }).toBe(CUSTOMERS - matching((i) => tenure(i) >= 30 && PLANS[i % 3] === 'premium'))
    expect(await page.getByTestId('segment-reading').textContent()).toBe('Customers who are not among those whose tenure is at least 30 and whose plan is “premium”.')
    await builder.locator('.ruleGroup-notToggle input').first().uncheck()

    // An impossible segment shows the empty state, not a zero among figures.
    await builder.locator('[data-segment-input="value"]').first().fill('99')
    await expect.poll(() => preview().getAttribute('data-preview-state'), { timeout: 15_000 }).toBe('empty')
    await page.getByTestId('segment-empty').waitFor()
    await builder.locator('[data-segment-input="value"]').first().fill('30')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 30 && PLANS[i % 3] === 'premium'))

    // The draft holds the segment as the engine reads it.
    const savedSegment = async () => {
      await expect.poll(() => page.getByTestId('save-state').getAttribute('class'), { timeout: 15_000 }).toBe('save-state saved')
      const draft = (await (await server.request('GET', '/api/flows/loyalty')).json()) as { draft: { nodes: { id: string; config: Record<string, unknown> }[] } }
      return draft.draft.nodes.find((n) => n.id === 'loyal')?.config.segment
    }
    expect(await savedSegment()).toEqual({
      type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte', value: 30 }, { type: 'attribute', name: 'plan', op: 'eq', value: 'premium' }],
    })

    // Behaviour: logged in within the last 30 days (the rule's default window) instead of the plan.
    await builder.locator('.rule').nth(1).locator('.rule-remove').click()
    await builder.locator('.ruleGroup-addRule').first().click()
    const behaviour = builder.locator('.rule').nth(1)
    await behaviour.locator('.rule-fields').selectOption('event')
    await behaviour.locator('[data-segment-input="event"]').fill('login')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 30 && i % 4 === 0))
    expect(await page.getByTestId('segment-reading').textContent()).toBe('Customers whose tenure is at least 30 and who did login in the last 30 days.')
    await behaviour.locator('[data-segment-input="amount"]').fill('90')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 30 && i % 4 < 2))
    await preview().scrollIntoViewIfNeeded()
    await session.shot('editor-segment-behaviour')
    expect(await accessibilityProblems('[data-config-for="loyal"]')).toEqual([])
    expect(await savedSegment()).toEqual({
      type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte', value: 30 }, { type: 'event', event: 'login', within: { amount: 90, unit: 'days' } }],
    })

    // Removing it and going back to a year: the campaign the next test publishes.
    await behaviour.locator('.rule-remove').click()
    await builder.locator('[data-segment-input="value"]').fill('12')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 12))
    // Back to one condition, the segment is the lone condition it was, not a group of one.
    expect(await savedSegment()).toEqual(FLOW.nodes[1]!.config.segment)
  })

  it('puts the builder on any segment field the node type declares: the trigger’s audience', async () => {
    const trigger = page.locator('.react-flow__node[data-id="everyone"]')
    await trigger.click()
    const panel = page.locator('[data-config-for="everyone"]')
    // An optional segment starts absent: the audience is everyone until one is added.
    const audience = panel.locator('[data-segment-field="root_audience_segment"]')
    await audience.getByTestId('add-segment').click()
    await expect.poll(countShown, { timeout: 15_000 }).toBe(CUSTOMERS)
    expect(await audience.getByTestId('segment-reading').textContent()).toBe('Every customer.')
    const config = async () => {
      await expect.poll(() => page.getByTestId('save-state').getAttribute('class'), { timeout: 15_000 }).toBe('save-state saved')
      const draft = (await (await server.request('GET', '/api/flows/loyalty')).json()) as { draft: { nodes: { id: string; config: Record<string, unknown> }[] } }
      return draft.draft.nodes.find((n) => n.id === 'everyone')?.config
    }
    expect(await config()).toEqual({ audience: { segment: { type: 'all', conditions: [] } } })
    await audience.getByTestId('remove-segment').click()
    expect(await config()).toEqual({ audience: {} })
  })

  it('shows the empty state before the first run, then the report as charts whose bars carry the API’s figures', async () => {
    await page.goto(`${base}/#/flows/loyalty/results`)
    await expect.poll(() => page.getByTestId('results').getAttribute('data-state'), { timeout: 15_000 }).toBe('no-run')
    await session.shot('editor-results-empty')

    expect((await server.request('POST', '/api/flows/loyalty/publish', {}, { 'content-type': 'application/json' })).status).toBe(200)
    await server.tick()
    server.clock.advanceTo(server.clock.now() + 8 * DAY)
    type Arm = { customers: number; converted: number; rate: number; entered?: number; sent?: number }
    type Comparison = { treated: Arm; holdout: Arm; uplift: { enough: boolean; uplift?: number; reason?: string } }
    const report = (await (await server.request('GET', '/api/reports/flows/loyalty')).json()) as { nodes: Record<string, Comparison>; overall: Comparison; channels: Record<string, Comparison>; sends: { day: string; channel: string; sent: number }[] }
    expect(report.overall.treated.sent).toBeGreaterThan(0)

    // From the flow list, as a marketer finds it.
    await page.goto(`${base}/#/`)
    await page.locator('[data-flow-id="loyalty"] [data-testid="flow-results"]').click()
    await expect.poll(() => page.getByTestId('results').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready')
    const bars = (chart: string, series: string) => page.locator(`rect[data-chart="${chart}"][data-series="${series}"]`).evaluateAll((rects) => Object.fromEntries(rects.map((r) => [r.getAttribute('data-key'), Number(r.getAttribute('data-value'))])))
    await expect.poll(() => bars('funnel', 'treated').then((b) => Object.keys(b).length)).toBe(Object.keys(report.nodes).length)
    expect(await bars('funnel', 'treated')).toEqual(Object.fromEntries(Object.entries(report.nodes).map(([id, c]) => [id, c.treated.entered])))
    expect(await bars('funnel', 'holdout')).toEqual(Object.fromEntries(Object.entries(report.nodes).filter(([, c]) => (c.holdout.entered ?? 0) > 0).map(([id, c]) => [id, c.holdout.entered])))
    expect((await bars('conversion', 'treated')).overall).toBeCloseTo(report.overall.treated.rate, 12)
    expect((await bars('conversion', 'holdout')).overall).toBeCloseTo(report.overall.holdout.rate, 12)
    expect(await bars('sends', 'email')).toEqual(Object.fromEntries(report.sends.map((s) => [s.day, s.sent])))
    expect(await page.getByTestId('card-customers').locator('.value').textContent()).toBe(String(report.overall.treated.customers + report.overall.holdout.customers))
    // Uplift: a figure with its interval, or "not enough data" with the reason and the rule.
    const overall = page.locator('[data-uplift="overall"]')
    expect(await overall.getAttribute('data-enough')).toBe(String(report.overall.uplift.enough))
    if (!report.overall.uplift.enough) {
      expect(await overall.textContent()).toContain(report.overall.uplift.reason!.replace(/^not enough data:\s*/i, ''))
      expect(await page.getByTestId('uplift-rule').textContent()).toMatch(/at least 50 measured customers/)
    } else {
      expect(Number(await page.locator('[data-chart="uplift"][data-key="overall"]').getAttribute('data-value'))).toBeCloseTo(report.overall.uplift.uplift!, 12)
    }
    expect(await page.getByTestId('results-csv').getAttribute('href')).toMatch(/^\/api\/reports\/flows\/loyalty\.csv\?run=/)
    await session.shot('editor-results')
    expect(await accessibilityProblems('[data-testid="results"]')).toEqual([])

    // 简体中文, and back to the canvas from the toolbar's own Results button.
    await page.getByTestId('language').selectOption('zh-CN')
    await expect.poll(() => page.getByTestId('chart-funnel').locator('h2').textContent()).toBe('各步骤漏斗')
    await session.shot('editor-results-zh')
    await page.getByTestId('results-back').click()
    await page.locator('.react-flow__node[data-id="loyal"]').click()
    expect(await page.getByTestId('segment-reading').textContent()).toBe('tenure 至少为 12的客户。')
    await expect.poll(countShown, { timeout: 15_000 }).toBe(matching((i) => tenure(i) >= 12))
    await session.shot('editor-segment-builder-zh')
    await page.getByTestId('open-results').click()
    await expect.poll(() => page.getByTestId('results').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready')
    await page.getByTestId('language').selectOption('en')
  })
})
