/**
 * The editor's simulate mode, version history and sticky notes in Debian's Chromium
 * (playwright-core), against a server over an in-memory store with a month of carts and
 * purchases: the marketer back-tests the abandoned-cart campaign and sees counts on every step
 * and edge, reads the diff of the draft against a published version drawn on the canvas and
 * restores it, and leaves sticky notes that never make a new version. Screenshots go to
 * test/artifacts/ to be looked at.
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../server/testing.ts'
import { openEditor, type EditorSession } from './support/editor-browser.ts'

const HOUR = 3_600_000
const TEMPLATE = JSON.parse(readFileSync(new URL('../flows/abandoned-cart.flow.json', import.meta.url), 'utf8')) as Record<string, unknown>
/** Customers who add a cart in May; every third one buys it within the 4-hour wait. */
const CUSTOMERS = 30
const BUYERS = 10

/** Thirty customers reachable by e-mail, each adding a cart once in May 2025 (the server's clock stands at 1 June). */
async function seedMay(server: TestServer): Promise<void> {
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c-${String(i + 1).padStart(2, '0')}`)
  await server.ctx.store.upsertCustomers(ids.map((id) => ({ id, addresses: { email: `${id}@example.com` }, preferredChannel: 'email' as const })))
  await server.ctx.store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: Date.UTC(2025, 0, 1) })))
  await server.ctx.store.insertEvents(ids.flatMap((customerId, i) => {
    const at = Date.UTC(2025, 4, 2 + (i % 25), 10)
    const cart = { id: `cart-${customerId}`, customerId, type: 'cart_add', at, properties: { cart_id: `k-${customerId}` } }
    return i % 3 === 0 ? [cart, { id: `buy-${customerId}`, customerId, type: 'purchase', at: at + HOUR, properties: { cart_id: `k-${customerId}` } }] : [cart]
  }))
}

describe('editor features in Chromium', () => {
  let session: EditorSession
  let server: TestServer
  let page: Page
  let base: string

  beforeAll(async () => {
    session = await openEditor(seedMay)
    ;({ server, page, base } = session)
    const created = await server.request('POST', '/api/flows', { flow: TEMPLATE }, { 'content-type': 'application/json' })
    expect(created.status).toBe(201)
  }, 180_000)

  afterAll(async () => {
    await session?.close()
  })

  const shot = (name: string) => session.shot(name)
  const edgeLabels = () => page.getByTestId('edge-label').allTextContents()
  async function openFlow() {
    await page.goto(`${base}/#/flows/abandoned-cart`)
    // Already there after an earlier step, goto only changes the hash: load the draft afresh.
    await page.reload()
    const trigger = page.locator('.react-flow__node[data-id="cart-added"]')
    await trigger.waitFor()
    await expect.poll(() => trigger.evaluate((el) => getComputedStyle(el).visibility)).toBe('visible')
  }

  it('simulates the draft over the last 30 days and shows counts on every step and edge', async () => {
    await openFlow()
    expect(await page.locator('[data-testid="node-count"]').count()).toBe(0)
    await page.getByTestId('simulate').click()
    await page.getByTestId('simulation-result').waitFor({ timeout: 30_000 })
    // 30 carts enter; 10 buy within the wait, 20 time out and get the reminder (the 10 % holdout's held back).
    await expect.poll(edgeLabels).toEqual(expect.arrayContaining([`entered · ${CUSTOMERS}`, `timeout · ${CUSTOMERS - BUYERS}`]))
    const count = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] [data-testid="node-count"]`)
    await expect.poll(() => count('cart-added').textContent()).toBe(String(CUSTOMERS))
    expect(await count('remind').textContent()).toBe(String(CUSTOMERS - BUYERS))
    expect(await count('remind').getAttribute('data-count-kind')).toBe('simulated')
    const email = page.locator('[data-testid="simulation-sends"] tr[data-channel="email"] td')
    const [sent, held] = (await email.allTextContents()).slice(1).map(Number)
    expect((sent ?? 0) + (held ?? 0)).toBe(CUSTOMERS - BUYERS)
    expect(await page.getByTestId('simulation-measure').textContent()).toContain('purchase')
    // The window that ran is shown as inclusive days of the server's clock.
    expect(await page.getByTestId('simulate-first').inputValue()).toBe('2025-05-02')
    expect(await page.getByTestId('simulate-last').inputValue()).toBe('2025-05-31')
    await shot('editor-simulate')

    // A window before the carts sees nobody.
    await page.getByTestId('simulate-first').fill('2025-04-01')
    await page.getByTestId('simulate-last').fill('2025-04-30')
    await page.getByTestId('simulate-run').click()
    await expect.poll(() => count('cart-added').textContent()).toBe('0')
    // A last day before the first is refused in the panel.
    await page.getByTestId('simulate-last').fill('2025-03-01')
    await page.getByTestId('simulate-run').click()
    await expect.poll(() => page.getByTestId('simulate-error').textContent()).toBe('The last day comes before the first.')

    // Nothing was kept: no version, no run.
    expect(await server.ctx.engineStore.listFlowVersions('abandoned-cart')).toEqual([])
    expect(await server.ctx.engineStore.listRuns({ flowId: 'abandoned-cart' })).toEqual([])
    // Leaving simulate mode takes the counts off the canvas.
    await page.getByTestId('simulate').click()
    await expect.poll(() => page.locator('[data-testid="node-count"]').count()).toBe(0)
    expect(await edgeLabels()).toEqual(expect.arrayContaining(['entered', 'timeout']))
  }, 120_000)

  it('draws the diff of a published version on the canvas and restores it as the draft in one undo step', async () => {
    const as = { 'content-type': 'application/json' }
    expect((await server.request('POST', '/api/flows/abandoned-cart/publish', { policy: 'pin' }, as)).status).toBe(200)
    // The draft moves on: a longer wait, the reminder replaced by a measure step.
    const detail = (await (await server.request('GET', '/api/flows/abandoned-cart')).json()) as { revision: number; draft: { nodes: { id: string; config: Record<string, unknown> }[]; edges: unknown[]; layout: Record<string, unknown> } }
    const draft = structuredClone(detail.draft)
    const wait = draft.nodes.find((n) => n.id === 'wait-for-purchase') as unknown as { config: { event: { timeout: { amount: number } } } }
    wait.config.event.timeout.amount = 6
    draft.nodes = [...draft.nodes.filter((n) => n.id !== 'remind'), { id: 'measure', config: { event: 'purchase', withinDays: 3 }, type: 'measure' } as never]
    draft.edges = [{ from: 'cart-added', output: 'entered', to: 'wait-for-purchase' }, { from: 'wait-for-purchase', output: 'timeout', to: 'measure' }]
    draft.layout = { ...draft.layout, measure: { x: 520, y: 220 } }
    expect((await server.request('PUT', '/api/flows/abandoned-cart/draft', { flow: draft, revision: detail.revision }, as)).status).toBe(200)

    await openFlow()
    await page.getByTestId('history').click()
    await page.locator('[data-testid="history-panel"] [data-version="1"]').click()
    const step = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .step`)
    await expect.poll(() => step('measure').getAttribute('data-diff')).toBe('added')
    expect(await step('wait-for-purchase').getAttribute('data-diff')).toBe('changed')
    expect(await step('wait-for-purchase').getAttribute('title')).toBe('config.event.timeout.amount: 4 → 6')
    const ghost = page.locator('.react-flow__node[data-id="ghost:remind"] .step')
    expect(await ghost.getAttribute('data-diff')).toBe('removed')
    expect(await step('cart-added').getAttribute('data-diff')).toBeNull()
    // The old edge to the reminder is drawn as a ghost; the new one to measure is marked added.
    expect(await page.locator('[data-testid="edge-label"].diff-removed').allTextContents()).toEqual(['timeout'])
    expect(await page.locator('[data-testid="edge-label"].diff-added').allTextContents()).toEqual(['timeout'])
    expect(await page.getByTestId('history-diff').textContent()).toContain('config.event.timeout.amount: 4 → 6')
    await shot('editor-history-diff')

    // Restore v1: one edit, autosaved; the draft's logic is v1's again and the diff is empty.
    await page.getByTestId('history-restore').click()
    await page.locator('.react-flow__node[data-id="remind"]').waitFor()
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved')
    await page.getByTestId('history-same').waitFor()
    expect(await page.locator('.react-flow__node[data-id="ghost:remind"]').count()).toBe(0)
    const restored = JSON.parse((await server.ctx.engineStore.getFlowDraft('abandoned-cart'))?.definition ?? '{}') as { nodes: { id: string }[] }
    expect(restored.nodes.map((n) => n.id)).toEqual(['cart-added', 'remind', 'wait-for-purchase'])
    const summary = (await (await server.request('GET', '/api/flows/abandoned-cart')).json()) as { unpublishedChanges: boolean }
    expect(summary.unpublishedChanges).toBe(false)
    await shot('editor-history-restored')

    // One undo step brings the edited draft back.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } })
    await page.keyboard.press('Control+z')
    await page.locator('.react-flow__node[data-id="measure"]').waitFor()
    expect(await page.locator('.react-flow__node[data-id="remind"]').count()).toBe(0)
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved')
    await expect.poll(() => step('wait-for-purchase').getAttribute('data-diff')).toBe('changed')
    await page.getByTestId('history').click()
  }, 120_000)

  it('adds, writes, moves and deletes sticky notes, kept in the draft and never a new version', async () => {
    const as = { 'content-type': 'application/json' }
    const published = (await (await server.request('POST', '/api/flows/abandoned-cart/publish', { policy: 'pin' }, as)).json()) as { version: number }
    expect(published.version).toBe(2)
    const draftNotes = async () => (JSON.parse((await server.ctx.engineStore.getFlowDraft('abandoned-cart'))?.definition ?? '{}') as { notes?: { id: string; text: string; x: number; y: number }[] }).notes
    const saved = () => expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved')

    await openFlow()
    // Add: the new note opens ready to type; leaving the field keeps the text.
    await page.getByTestId('add-note').click()
    const field = page.getByTestId('note-field')
    await field.waitFor()
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.type('Ask legal about the reminder copy')
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } })
    const note = page.locator('.react-flow__node[data-id="note:note-1"]')
    await expect.poll(() => note.getByTestId('note-text').textContent()).toBe('Ask legal about the reminder copy')
    await saved()
    const [added] = (await draftNotes()) ?? []
    expect(added).toMatchObject({ id: 'note-1', text: 'Ask legal about the reminder copy' })

    // Move: drag it about 150 px right and 100 px down (React Flow starts the drag on the first
    // step of the pointer, so the note follows all but that first step of 15 × 10 px).
    const box = await note.boundingBox()
    if (!box) throw new Error('no note')
    await page.mouse.move(box.x + 20, box.y + box.height - 8)
    await page.mouse.down()
    await page.mouse.move(box.x + 95, box.y + box.height + 42, { steps: 5 })
    await page.mouse.move(box.x + 170, box.y + box.height + 92, { steps: 5 })
    await page.mouse.up()
    await saved()
    const [moved] = (await draftNotes()) ?? []
    expect((moved?.x ?? 0) - (added?.x ?? 0)).toBeGreaterThanOrEqual(130)
    expect((moved?.x ?? 0) - (added?.x ?? 0)).toBeLessThanOrEqual(152)
    expect((moved?.y ?? 0) - (added?.y ?? 0)).toBeGreaterThanOrEqual(85)
    expect((moved?.y ?? 0) - (added?.y ?? 0)).toBeLessThanOrEqual(102)
    expect(moved?.text).toBe(added?.text)

    // Edit: double-click, replace the text, Ctrl+Enter.
    await note.dblclick()
    await field.fill('Legal approved the copy on 2 June')
    await field.press('Control+Enter')
    await expect.poll(() => note.getByTestId('note-text').textContent()).toBe('Legal approved the copy on 2 June')
    await saved()
    expect((await draftNotes())?.[0]?.text).toBe('Legal approved the copy on 2 June')
    await shot('editor-notes')

    // The notes are view state: v2 is still the live logic, no new version.
    const summary = (await (await server.request('GET', '/api/flows/abandoned-cart')).json()) as { unpublishedChanges: boolean }
    expect(summary.unpublishedChanges).toBe(false)
    const again = (await (await server.request('POST', '/api/flows/abandoned-cart/publish', { policy: 'pin' }, as)).json()) as { version: number; created: boolean }
    expect(again).toMatchObject({ version: 2, created: false })

    // Delete with the keyboard; the draft has no notes key left. Undo brings the note back.
    await note.click()
    await page.keyboard.press('Delete')
    await expect.poll(() => note.count()).toBe(0)
    await saved()
    expect(await draftNotes()).toBeUndefined()
    await page.keyboard.press('Control+z')
    await note.waitFor()
    await saved()
    expect((await draftNotes())?.map((n) => n.text)).toEqual(['Legal approved the copy on 2 June'])
    // And the × on a selected note deletes it too.
    await note.click()
    await note.getByTestId('note-delete').click()
    await expect.poll(() => note.count()).toBe(0)
    await saved()
    expect(await draftNotes()).toBeUndefined()
  }, 120_000)
})
