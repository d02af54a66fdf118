/**
 * Issue 13's acceptance journey in Debian's Chromium (playwright-core), end to end behind the
 * sign-in `sluice serve` has: a marketer signs in, creates a blank campaign, builds it on the
 * canvas by dragging steps from the palette (pointer events) and dropping one onto an arrow,
 * writes the filter's segment in the builder and sees its live count, connects a named output,
 * sees a validation error on the step and in the problems list and fixes it in the generated
 * form, undoes and redoes, back-tests it (counts on the arrows), publishes it, watches live
 * counts arrive over Server-Sent Events while events are ingested through the API with a
 * token, opens the results chart and switches to 简体中文. Screenshots of every stage go to
 * test/artifacts/acceptance-*.png.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addUser, createApiToken } from '../server/auth/accounts.ts'
import type { TestServer } from '../server/testing.ts'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

const USER = { name: 'mei', password: 'a long enough passphrase' }
const CUSTOMERS = 40
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c-${String(i + 1).padStart(2, '0')}`)
/** Months as a customer: 0, 3, 6, … wrapping at 40. */
const tenure = (i: number) => (i * 3) % 40
const TENURE_MIN = 12
const loyal = (i: number) => tenure(i) >= TENURE_MIN
/** Who signs up while the campaign is live: the first ten customers. */
const LIVE = ids.slice(0, 10)

/** Forty customers reachable by e-mail with a tenure, each signing up once in May 2025 (the server's clock stands at 1 June). */
async function seed(server: TestServer): Promise<void> {
  const { store, authStore } = server.ctx
  await addUser(authStore, { name: USER.name, role: 'marketer', password: USER.password }, server.clock.now())
  await store.defineAttributes([{ name: 'tenure', type: 'number', source: 'declared', description: 'Months as a customer' }])
  await store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { tenure: tenure(i) }, addresses: { email: `${id}@example.com` }, preferredChannel: 'email' as const })))
  await store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: Date.UTC(2025, 0, 1) })))
  await store.insertEvents(ids.map((customerId, i) => ({ id: `may-${customerId}`, customerId, type: 'signup', at: Date.UTC(2025, 4, 2 + (i % 25), 10), properties: {} })))
}

describe('issue 13 acceptance: the campaign editor end to end', () => {
  let session: EditorSession
  let server: TestServer
  let page: Page
  let base: string

  beforeAll(async () => {
    session = await openEditor(seed, { signIn: true })
    ;({ server, page, base } = session)
    // A step that cannot happen fails with what it waited for, well inside the test's time.
    page.setDefaultTimeout(20_000)
  }, 180_000)

  afterEach(async ({ task }) => {
    // What the page showed when a step failed, beside the stage screenshots.
    if (task.result?.state === 'fail') await session.shot('acceptance-failed').catch(() => undefined)
  })

  afterAll(async () => {
    await session?.close()
  })

  const shot = (name: string) => session.shot(`acceptance-${name}`)
  const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`)
  const edgeLabels = () => page.getByTestId('edge-label').allTextContents()
  // The draft's own reads below poll as well: an rjsf change can reach the store a render after
  // the keystroke, when the save state still shows the previous save.
  const saved = () => expect.poll(() => page.getByTestId('save-state').getAttribute('class'), { timeout: 20_000 }).toBe('save-state saved')
  /** The node is on the canvas and React Flow has measured it (it hides nodes until then). */
  async function measured(id: string): Promise<Locator> {
    await node(id).waitFor()
    await page.waitForFunction((nodeId) => {
      const el = document.querySelector(`.react-flow__node[data-id="${nodeId}"]`)
      return el !== null && getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().width > 0
    }, id)
    return node(id)
  }
  async function centre(locator: Locator): Promise<{ x: number; y: number }> {
    const box = await locator.boundingBox()
    if (!box) throw new Error('not on screen')
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  }
  /** The canvas has stopped moving (a fit view or a focus animates): its transform is the same for 15 frames. */
  async function viewportSettled(): Promise<void> {
    await page.evaluate(() => { delete (window as { settle?: unknown }).settle })
    await page.waitForFunction(() => {
      const w = window as { settle?: { transform: string; frames: number } }
      const transform = document.querySelector('.react-flow__viewport')?.getAttribute('style') ?? ''
      w.settle = w.settle?.transform === transform ? { transform, frames: w.settle.frames + 1 } : { transform, frames: 0 }
      return w.settle.frames >= 15
    }, undefined, { polling: 'raf' })
  }
  /** Drags with the pointer (down, moves, up): how a marketer drags, and what React Flow and the palette listen to. */
  async function drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 })
    await page.mouse.move(to.x, to.y, { steps: 6 })
    await page.mouse.up()
  }
  async function paletteItem(type: string): Promise<{ x: number; y: number }> {
    const item = page.locator(`[data-palette-type="${type}"]`)
    await item.scrollIntoViewIfNeeded()
    return centre(item)
  }

  it('signs in, builds, checks, simulates, publishes, goes live and reads the results, in English and 简体中文', async () => {
    // Sign in.
    await page.goto(base)
    await page.getByTestId('login').waitFor()
    await page.getByTestId('login-name').fill(USER.name)
    await page.getByTestId('login-password').fill('not the password')
    await page.getByTestId('login-submit').click()
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Wrong user name or password.')
    await page.getByTestId('login-password').fill(USER.password)
    await shot('01-login')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('new-flow-name').waitFor()
    expect(await page.locator('[data-template-id]').count()).toBeGreaterThan(0)
    await shot('02-campaigns')

    // A blank campaign.
    await page.getByTestId('new-flow-name').fill('Welcome back')
    await page.getByTestId('new-flow').click()
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/flows/welcome-back')
    await page.getByTestId('canvas').waitFor()
    expect(await page.locator('.react-flow__node').count()).toBe(0)

    // Drag the trigger, a send step and a goal step out of the palette onto the pane (at 100 %:
    // a blank campaign is not fitted to its first step).
    const pane = await page.locator('.react-flow__pane').boundingBox()
    if (!pane) throw new Error('no pane')
    await drag(await paletteItem('trigger'), { x: pane.x + 40, y: pane.y + 10 })
    const trigger = await measured('trigger')
    await drag(await paletteItem('choose-channel'), { x: pane.x + 40, y: pane.y + 420 })
    const send = await measured('choose-channel')
    await drag(await paletteItem('measure'), { x: pane.x + 340, y: pane.y + 560 })
    const goal = await measured('measure')
    expect(await page.locator('.react-flow__node').count()).toBe(3)
    // Selecting the trigger opens its form: it lets customers in on a signup event.
    await trigger.click()
    await page.locator('[data-config-for="trigger"] #root_event_type').fill('signup')
    await saved()
    await expect.poll(() => trigger.getByTestId('node-errors').count()).toBe(0)
    await shot('03-dragged')

    // Connect the trigger's "entered" to the send by dragging from its named handle.
    await drag(await centre(trigger.locator('.react-flow__handle.source[data-handleid="entered"]')), await centre(send.locator('.react-flow__handle.target')))
    await expect.poll(edgeLabels).toEqual(['entered'])

    // Drop the filter onto that arrow: it goes in between, its first output continuing the path.
    await drag(await paletteItem('filter-segment'), await centre(page.getByTestId('edge-label')))
    const filter = await measured('filter-segment')
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(['entered', 'match'])
    await saved()
    const draft = async () => JSON.parse((await server.ctx.engineStore.getFlowDraft('welcome-back'))?.definition ?? '{}') as { nodes: { id: string; config: Record<string, unknown> }[]; edges: { from: string; output: string; to: string }[] }
    await expect.poll(async () => (await draft()).edges).toEqual(expect.arrayContaining([{ from: 'trigger', output: 'entered', to: 'filter-segment' }, { from: 'filter-segment', output: 'match', to: 'choose-channel' }]))
    await shot('04-inserted')

    // The filter's segment in the builder: tenure at least 12, counted live as it is written.
    const builder = page.locator('[data-config-for="filter-segment"] [data-testid="segment-builder"]')
    await builder.waitFor()
    const preview = builder.getByTestId('segment-preview')
    await expect.poll(() => preview.getAttribute('data-segment-count')).toBe(String(CUSTOMERS))
    await builder.locator('.ruleGroup-addRule').first().click()
    const rule = builder.locator('.rule').first()
    await rule.locator('.rule-fields').selectOption('attribute:tenure')
    await rule.locator('.rule-operators').selectOption('gte')
    await rule.locator('[data-segment-input="value"]').fill(String(TENURE_MIN))
    await expect.poll(() => preview.getAttribute('data-segment-count')).toBe(String(ids.filter((_, i) => loyal(i)).length))
    expect(await builder.getByTestId('segment-reading').textContent()).toBe(`Customers whose tenure is at least ${TENURE_MIN}.`)
    await saved()
    await expect.poll(async () => (await draft()).nodes.find((n) => n.id === 'filter-segment')?.config).toEqual({ segment: { type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte', value: TENURE_MIN }] } })
    await expect.poll(() => filter.getByTestId('node-errors').count()).toBe(0)
    await shot('05-segment')

    // The send has no message yet: an error on its badge and in the problems list. Clicking the
    // problem selects the step and focuses the field; its generated form fixes it.
    const problem = page.locator('[data-testid="problems"] li[data-problem-path="nodes[choose-channel].config.candidates"]')
    await problem.waitFor()
    expect(await send.getByTestId('node-errors').textContent()).toBe('1')
    await shot('06-problem')
    await problem.locator('button').click()
    await viewportSettled()
    const sendForm = page.locator('[data-config-for="choose-channel"]')
    await sendForm.locator('[data-problem-path="nodes[choose-channel].config.candidates"]').waitFor()
    // The problem's field has the focus: the candidates list's "add" button; Enter adds one.
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('[data-config-for="choose-channel"] #root_candidates button') ?? false)).toBe(true)
    await page.keyboard.press('Enter')
    await sendForm.locator('#root_candidates_0_channel').selectOption('email')
    await sendForm.locator('#root_candidates_0_subject').fill('Welcome back')
    await sendForm.locator('#root_candidates_0_body').fill('Good to see you again, {{customer.id}}.')
    await saved()
    await expect.poll(() => problem.count()).toBe(0)
    await expect.poll(() => send.getByTestId('node-errors').count()).toBe(0)
    await expect.poll(async () => (await draft()).nodes.find((n) => n.id === 'choose-channel')?.config).toEqual({ candidates: [{ channel: 'email', subject: 'Welcome back', body: 'Good to see you again, {{customer.id}}.' }] })
    await shot('07-fixed')

    // A named output of the send, "email", connected to the goal step by dragging its handle.
    await page.getByTestId('fit-view').click()
    await viewportSettled()
    const email = send.locator('.react-flow__handle.source[data-handleid="email"]')
    await email.waitFor()
    await drag(await centre(email), await centre(goal.locator('.react-flow__handle.target')))
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(['email', 'entered', 'match'])

    // Undo takes the connection away, redo brings it back.
    await page.getByTestId('undo').click()
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(['entered', 'match'])
    await page.getByTestId('redo').click()
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(['email', 'entered', 'match'])

    // The goal step's form: a purchase within 7 days.
    await goal.click()
    const goalForm = page.locator('[data-config-for="measure"]')
    await goalForm.locator('#root_event').fill('purchase')
    await goalForm.locator('#root_withinDays').fill('7')
    await saved()
    await expect.poll(() => page.locator('[data-testid="problems"] li.error').count()).toBe(0)
    await expect.poll(async () => (await draft()).edges).toContainEqual({ from: 'choose-channel', output: 'email', to: 'measure' })
    await shot('08-connected')

    // Simulate: the draft back-tested over the server's last 30 days (May's signups), counts on every arrow.
    await page.getByTestId('simulate').click()
    await page.getByTestId('simulation-result').waitFor({ timeout: 30_000 })
    const matched = ids.filter((_, i) => loyal(i)).length
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(['email · ' + String(matched), `entered · ${CUSTOMERS}`, `match · ${matched}`])
    expect(await node('trigger').getByTestId('node-count').textContent()).toBe(String(CUSTOMERS))
    expect(await node('filter-segment').getByTestId('node-count').getAttribute('data-count-kind')).toBe('simulated')
    expect(await server.ctx.engineStore.listRuns({ flowId: 'welcome-back' })).toEqual([])
    await shot('09-simulated')
    await page.getByTestId('simulate').click()
    await expect.poll(() => page.getByTestId('node-count').count()).toBe(0)

    // Publish through the dialog (its forecast first); the run starts.
    await page.getByTestId('publish').click()
    await page.getByTestId('forecast-result').waitFor({ timeout: 30_000 })
    await page.getByTestId('publish-confirm').click()
    await expect.poll(() => page.getByTestId('publish-result').textContent(), { timeout: 20_000 }).toMatch(/^Published v1: run welcome-back-v1-/)
    await shot('10-published')
    await page.getByTestId('publish-close').click()
    const [run] = await server.ctx.engineStore.listRuns({ flowId: 'welcome-back' })
    expect(run?.state).toBe('running')

    // Events ingested through the API with a token; the engine's tick lets the signups in, and
    // the canvas shows the live counts streamed over Server-Sent Events.
    const { secret } = await createApiToken(server.ctx.authStore, { role: 'engineer', name: 'shop' }, server.clock.now())
    const bearer = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }
    const events = LIVE.map((customerId) => ({ id: `live-${customerId}`, customerId, type: 'signup' }))
    const nudges = server.nudges
    const ingested = await fetch(`${base}/api/events`, { method: 'POST', headers: bearer, body: JSON.stringify({ events }) })
    expect(ingested.status).toBe(202)
    expect(await ingested.json()).toEqual({ accepted: LIVE.length, duplicates: 0, unknownCustomers: [] })
    // The API wakes the scheduler; here the test is the scheduler and ticks once.
    expect(server.nudges).toBeGreaterThan(nudges)
    await server.tick()
    const liveMatched = LIVE.filter((id) => loyal(ids.indexOf(id))).length
    const liveCount = (id: string) => node(id).locator('[data-testid="node-count"][data-count-kind="live"]')
    await expect.poll(() => liveCount('trigger').textContent(), { timeout: 20_000 }).toBe(String(LIVE.length))
    await expect.poll(async () => (await edgeLabels()).sort()).toEqual(expect.arrayContaining([`entered · ${LIVE.length}`, `match · ${liveMatched}`]))
    expect(await liveCount('choose-channel').textContent()).toBe(String(liveMatched))
    await shot('11-live')

    // The results: the report as charts, its funnel bars carrying the API's figures.
    await page.getByTestId('open-results').click()
    await expect.poll(() => page.getByTestId('results').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    type Arm = { entered?: number }
    const report = (await (await fetch(`${base}/api/reports/flows/welcome-back`, { headers: bearer })).json()) as { nodes: Record<string, { treated: Arm; holdout: Arm }>; sends: { day: string; channel: string; sent: number }[] }
    // Every signup entered, treated or held out; the treated matches got their e-mail.
    expect((report.nodes.trigger?.treated.entered ?? 0) + (report.nodes.trigger?.holdout.entered ?? 0)).toBe(LIVE.length)
    expect(report.sends.reduce((sum, s) => sum + s.sent, 0)).toBe(report.nodes['choose-channel']?.treated.entered)
    const bars = (chart: string, series: string) => page.locator(`rect[data-chart="${chart}"][data-series="${series}"]`).evaluateAll((rects) => Object.fromEntries(rects.map((r) => [r.getAttribute('data-key'), Number(r.getAttribute('data-value'))])))
    await expect.poll(() => bars('funnel', 'treated')).toEqual(Object.fromEntries(Object.entries(report.nodes).map(([id, c]) => [id, c.treated.entered])))
    expect(await bars('sends', 'email')).toEqual(Object.fromEntries(report.sends.map((s) => [s.day, s.sent])))
    await shot('12-results')

    // 简体中文: the results, then the canvas.
    await page.getByTestId('language').selectOption('zh-CN')
    await expect.poll(() => page.getByTestId('chart-funnel').locator('h2').textContent()).toBe('各步骤漏斗')
    await shot('13-results-zh')
    await page.getByTestId('results-back').click()
    await measured('trigger')
    expect(await page.getByTestId('publish').textContent()).toBe('发布')
    expect(await page.locator('[data-testid="problems"] strong').textContent()).toBe('问题')
    await shot('14-canvas-zh')
    await page.getByTestId('language').selectOption('en')
  }, 180_000)
})
