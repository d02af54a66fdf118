/**
 * "What would the draft have done?" in Debian's Chromium (playwright-core): the 40-customer
 * win-back run with the score cut-off 9 (test/support/counterfactual-run.ts) is kept; the draft
 * raises the cut-off to 11. An admin opens the editor, picks the run and replays it through the
 * draft: the badge on every step and the counts on every edge equal the route's own answer for
 * the same draft, the score node and the gate are outlined as changed, the changed customers are
 * exactly those SQL finds scored in [9, 11), the CSV download lists them all, the panel speaks
 * Chinese and axe finds nothing serious in it; a marketer sees the action disabled with the
 * reason. Screenshots go to test/artifacts/ to be looked at.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CounterfactualReport } from '../engine/replay/counterfactual.ts'
import type { Principal } from '../server/auth/roles.ts'
import type { TestServer } from '../server/testing.ts'
import type { SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { seedCounterfactualRun, winBackWithCutOff } from './support/counterfactual-run.ts'
import { accessibilityProblems, openEditor, type EditorSession } from './support/editor-browser.ts'

const JSON_BODY = { 'content-type': 'application/json' }
/** Who the browser is: switched by the tests (the route is for operators; an admin may also edit). */
let role: Principal['role'] = 'admin'
let runId = ''

async function seed(server: TestServer): Promise<void> {
  server.ctx.auth = { principalOf: () => Promise.resolve({ kind: 'local', id: 'local', name: 'local user', role }) }
  expect((await server.request('POST', '/api/flows', { flow: winBackWithCutOff(9, 1) }, JSON_BODY)).status).toBe(201)
  runId = await seedCounterfactualRun(server.ctx.engineStore, server.ctx.registry, 9)
  // The draft raises the score cut-off: customers scored 9 or 10 no longer reach the gate.
  const detail = (await (await server.request('GET', '/api/flows/win-back')).json()) as { revision: number }
  expect((await server.request('PUT', '/api/flows/win-back/draft', { flow: winBackWithCutOff(11, 2), revision: detail.revision }, JSON_BODY)).status).toBe(200)
}

describe('the counterfactual replay in Chromium', () => {
  let session: EditorSession
  let page: Page
  let answer: CounterfactualReport

  beforeAll(async () => {
    session = await openEditor(seed)
    ;({ page } = session)
  }, 300_000)

  afterAll(async () => {
    await session?.close()
  })

  const sql = (text: string) => (session.server.ctx.store as SqliteStore).database.prepare(text).all() as Record<string, unknown>[]
  const badge = (nodeId: string) => page.locator(`[data-testid="counterfactual-badge"][data-node-id="${nodeId}"]`)

  it('replays the run through the draft and draws the route\'s answer on the canvas', async () => {
    await page.goto(`${session.base}/#/flows/win-back`)
    const rfm = page.locator('.react-flow__node[data-id="rfm"]')
    await rfm.waitFor()
    // React Flow shows the steps once it has measured them.
    await expect.poll(() => rfm.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    await page.getByTestId('counterfactual').click()
    const panel = page.getByTestId('counterfactual-panel')
    await expect.poll(() => panel.getByTestId('counterfactual-run').inputValue()).toBe(runId)
    // The progress line may come and go faster than a poll: an observer notes its words when it appears.
    await page.evaluate(() => {
      const seen = window as unknown as { progress?: string }
      new MutationObserver(() => { seen.progress ??= document.querySelector('[data-testid="counterfactual-progress"]')?.textContent ?? undefined }).observe(document.body, { childList: true, subtree: true })
    })
    await panel.getByTestId('counterfactual-start').click()
    await panel.getByTestId('counterfactual-answer').waitFor({ timeout: 240_000 })
    expect(await page.evaluate(() => (window as unknown as { progress?: string }).progress)).toMatch(/^ ?Replaying… \d+ s \(this can take tens of seconds\)$/)
    expect(await panel.getByTestId('counterfactual-progress').count()).toBe(0)

    // The route's own answer for the same draft, asked by the page.
    answer = await page.evaluate(async (id) => {
      const draft = ((await (await fetch('/api/flows/win-back')).json()) as { draft: unknown }).draft
      const response = await fetch(`/api/runs/${id}/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: draft }) })
      return (await response.json()) as CounterfactualReport
    }, runId)
    const between = sql("SELECT c.external_id AS id FROM customer_tags t JOIN customers c ON c.key = t.customer_key WHERE t.name = 'rfm_score' AND t.num >= 9 AND t.num < 11 ORDER BY c.external_id").map((r) => r.id as string)
    expect(between.length).toBeGreaterThan(3)
    expect(answer.customers.changed).toBe(between.length)

    for (const node of answer.nodes) {
      const original = node.original?.entered ?? 0
      const counterfactual = node.counterfactual?.entered ?? 0
      const delta = counterfactual - original
      const sign = delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '0'
      expect(await badge(node.nodeId).textContent()).toBe(`in ${original} → ${counterfactual} (${sign})`)
      expect(await badge(node.nodeId).getAttribute('data-delta')).toBe(String(delta))
    }
    const gate = answer.nodes.find((n) => n.nodeId === 'policy')
    expect(gate?.delta.entered).toBe(-between.length)
    expect(await badge('policy').getAttribute('data-counterfactual')).toBe(String(gate?.counterfactual?.entered))
    const rfmAnswer = answer.nodes.find((n) => n.nodeId === 'rfm')
    const edge = page.locator('[data-testid="counterfactual-edge"][data-edge="rfm|pass|policy"]')
    expect(await edge.textContent()).toBe(`${rfmAnswer?.original?.outputs.pass} → ${rfmAnswer?.counterfactual?.outputs.pass}`)
    expect(Number(await edge.getAttribute('data-original')) - Number(await edge.getAttribute('data-counterfactual'))).toBe(between.length)

    // Changed steps outlined by the stylesheet; the trigger, whose count is the same, is not.
    const mark = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .step`).evaluate((el) => getComputedStyle(el).getPropertyValue('--counterfactual').trim())
    expect(await mark('rfm')).toBe('changed')
    expect(await mark('policy')).toBe('changed')
    expect(await mark('monthly')).toBe('')

    // The panel: sends per channel as the route counts them, every changed customer with both paths.
    for (const send of answer.sends.filter((s) => s.original > 0 || s.counterfactual > 0)) {
      const row = panel.locator(`[data-testid="counterfactual-sends"] tr[data-channel="${send.channel}"]`)
      expect([await row.getAttribute('data-original'), await row.getAttribute('data-counterfactual')]).toEqual([String(send.original), String(send.counterfactual)])
    }
    await panel.getByTestId('counterfactual-chart').locator('.recharts-bar-rectangle').first().waitFor()
    const listed = await panel.locator('[data-testid="counterfactual-changed"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer-id')))
    expect([...listed].sort()).toEqual(between)
    const first = panel.locator(`[data-testid="counterfactual-changed"] tr[data-customer-id="${between[0]}"]`)
    expect(await first.locator('td').nth(0).textContent()).toMatch(/^Trigger \(entered\) › Score \(pass\) › .*\(email|push|sms\)/)
    expect(await first.locator('td').nth(1).textContent()).toBe('Trigger (entered) › Score (fail)')
    await session.shot('editor-counterfactual')
    expect(await accessibilityProblems(page, '[data-testid="counterfactual-panel"]')).toEqual([])
  }, 600_000)

  it('downloads every changed customer as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('counterfactual-download').click()])
    expect(download.suggestedFilename()).toBe(`${runId}-counterfactual.csv`)
    const lines = readFileSync(await download.path(), 'utf8').split('\r\n').filter((l) => l !== '')
    expect(lines[0]).toBe('customer_id,change,run_path,counterfactual_path,run_sends,counterfactual_sends,run_held,counterfactual_held')
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(answer.changed.map((c) => c.customerId).sort())
  })

  it('speaks Chinese', async () => {
    await page.getByTestId('language').selectOption('zh-CN')
    const panel = page.getByTestId('counterfactual-panel')
    expect(await panel.locator('h2').textContent()).toBe('草稿会带来什么不同？')
    expect(await panel.getByTestId('counterfactual-listed').textContent()).toBe(`共 ${answer.customers.changed} 位，列出 ${answer.changed.length} 位`)
    expect(await badge('rfm').textContent()).toMatch(/^进入 \d+ → \d+（0）$/)
    await session.shot('editor-counterfactual-zh')
    expect(await accessibilityProblems(page, '[data-testid="counterfactual-panel"]')).toEqual([])
    await page.getByTestId('language').selectOption('en')
  })

  it('says so when the draft changed since the replay', async () => {
    expect(await page.getByTestId('counterfactual-stale').count()).toBe(0)
    await page.getByTestId('add-note').click()
    await page.getByTestId('counterfactual-stale').waitFor()
    expect(await page.getByTestId('counterfactual-badge').count()).toBeGreaterThan(0)
  })

  it('lists the draft\'s problems when the server refuses it', async () => {
    const detail = (await (await session.server.request('GET', '/api/flows/win-back')).json()) as { revision: number }
    const broken = winBackWithCutOff(11, 2)
    broken.edges.push({ from: 'rfm', output: 'fail', to: 'nowhere' })
    expect((await session.server.request('PUT', '/api/flows/win-back/draft', { flow: broken, revision: detail.revision }, JSON_BODY)).status).toBe(200)
    await page.reload()
    await page.getByTestId('counterfactual').click()
    const panel = page.getByTestId('counterfactual-panel')
    await expect.poll(() => panel.getByTestId('counterfactual-run').inputValue()).toBe(runId)
    await panel.getByTestId('counterfactual-start').click()
    const error = panel.getByTestId('counterfactual-error')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.locator('p').textContent()).toBe('The draft has problems to fix first:')
    expect(await error.locator('li').allTextContents()).toEqual([expect.stringContaining('nowhere')])
    expect(await page.getByTestId('counterfactual-badge').count()).toBe(0)
    await session.shot('editor-counterfactual-problems')
  })

  it('is disabled with the reason for a marketer', async () => {
    role = 'marketer'
    await page.reload()
    const button = page.getByTestId('counterfactual')
    await expect.poll(() => button.getAttribute('data-reason')).toBe('Only an operator can replay runs (your role: marketer).')
    expect(await button.isDisabled()).toBe(true)
    role = 'admin'
  })
  it('replays the draft as the form left it, saved or not', async () => {
    const detail = (await (await session.server.request('GET', '/api/flows/win-back')).json()) as { revision: number }
    expect((await session.server.request('PUT', '/api/flows/win-back/draft', { flow: winBackWithCutOff(9, 2), revision: detail.revision }, JSON_BODY)).status).toBe(200)
    await page.reload()
    const rfm = page.locator('.react-flow__node[data-id="rfm"]')
    await expect.poll(() => rfm.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
    const toggle = page.getByTestId('counterfactual')
    const panel = page.getByTestId('counterfactual-panel')
    // The run's own cut-off: nobody changes.
    await toggle.click()
    await expect.poll(() => panel.getByTestId('counterfactual-run').inputValue()).toBe(runId)
    await panel.getByTestId('counterfactual-start').click()
    await panel.getByTestId('counterfactual-none').waitFor({ timeout: 240_000 })
    expect(await badge('policy').getAttribute('data-delta')).toBe('0')
    expect(await page.getByTestId('counterfactual-styles').count()).toBe(0)
    // Raised through the settings form, then replayed at once.
    await toggle.click()
    await rfm.click()
    const min = page.locator('.config-panel #root_routing_min')
    await min.fill('11')
    await toggle.click()
    await panel.getByTestId('counterfactual-start').click()
    await panel.getByTestId('counterfactual-changed').waitFor({ timeout: 240_000 })
    expect(await panel.getByTestId('counterfactual-listed').textContent()).toBe(`${answer.customers.changed} listed of ${answer.customers.changed}`)
    expect(await badge('policy').getAttribute('data-delta')).toBe(String(-answer.customers.changed))
  }, 600_000)
})
