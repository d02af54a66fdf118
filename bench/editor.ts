/**
 * The editor part of the benchmark (issue #13): a generated 300-node flow opened in Debian's
 * Chromium (playwright-core) over a test server. Two figures: time to interactive (navigation
 * start → every node measured by React Flow and a click on the pane answered) and the p95 of
 * requestAnimationFrame deltas while one node is dragged across the canvas in many steps.
 * Figures, never asserted: the machine is shared and its load moves them.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium, type Page } from 'playwright-core'
import { createApp } from '../server/app.ts'
import { EDITOR_DIST, ensureEditorBuilt } from '../server/editor-assets.ts'
import { localAuthenticator } from '../server/http/api-env.ts'
import { testServer } from '../server/testing.ts'
import { round } from './reference.ts'

export const EDITOR_NODES = 300
const CHROMIUM = '/usr/bin/chromium'
/** Grid of the generated flow's layout: wide enough that zoom-to-fit keeps nodes legible. */
const COLUMNS = 20
const FLOW_ID = 'bench-300'

export interface EditorResult {
  nodes: number
  edges: number
  /** Navigation start → all nodes measured and the pane answering a click, median of the runs. */
  interactiveMs: number
  interactiveRunsMs: number[]
  /** requestAnimationFrame deltas while dragging a node. */
  dragFrameMs: { p50: number; p95: number; max: number; frames: number }
}

/** A trigger and a chain of waits, each on its `done` output, laid out row by row. */
export function generatedFlow(size: number): Record<string, unknown> {
  const ids = Array.from({ length: size }, (_, i) => (i === 0 ? 'start' : `wait-${i}`))
  const nodes = ids.map((id, i) => (i === 0
    ? { id, type: 'trigger', config: { event: { type: 'cart_add' } } }
    : { id, type: 'wait', config: { for: { amount: 1 + (i % 5), unit: 'hours' } } }))
  const edges = ids.slice(1).map((to, i) => ({ from: ids[i], output: i === 0 ? 'entered' : 'done', to }))
  const layout = Object.fromEntries(ids.map((id, i) => [id, { x: (i % COLUMNS) * 260, y: Math.floor(i / COLUMNS) * 160 }]))
  return { id: FLOW_ID, name: `Generated ${size}-node flow`, version: 1, nodes, edges, settings: { priority: 50, entry: { policy: 'once' }, holdout: { percent: 0 } }, layout }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

/** Opens the generated flow `runs` times for time to interactive, then drags one node. */
export async function runEditorBench(options: { size?: number; runs?: number; dragSteps?: number; onProgress?: (done: number) => void } = {}): Promise<EditorResult> {
  const size = options.size ?? EDITOR_NODES
  const runs = options.runs ?? 3
  const dragSteps = options.dragSteps ?? 120
  await ensureEditorBuilt()
  const server = await testServer({ auth: localAuthenticator('marketer') })
  const flow = generatedFlow(size)
  const created = await server.request('POST', '/api/flows', { flow }, { 'content-type': 'application/json' })
  if (created.status !== 201) throw new Error(`bench editor: creating the ${size}-node flow answered ${created.status}: ${await created.text()}`)
  const app = createApp({ ...server.ctx, editorDir: EDITOR_DIST })
  const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => http.once('listening', () => resolve()))
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const interactiveRunsMs: number[] = []
    for (let run = 0; run < runs; run++) {
      await page.goto('about:blank')
      await page.goto(`${base}/#/flows/${FLOW_ID}`)
      // Measured: React Flow gives a node visibility once it knows its size.
      await page.waitForFunction((count) => {
        const nodes = document.querySelectorAll('.react-flow__node')
        if (nodes.length < count) return false
        return Array.from(nodes).every((node) => getComputedStyle(node).visibility === 'visible')
      }, size, { polling: 'raf', timeout: 60_000 })
      // Accepting input: a click on the pane is dispatched and the next frame paints.
      const ms = await page.evaluate(() => new Promise<number>((resolve) => {
        const pane = document.querySelector('.react-flow__pane')
        if (!pane) throw new Error('bench editor: no .react-flow__pane')
        pane.addEventListener('pointerdown', () => requestAnimationFrame(() => resolve(performance.now())), { once: true })
        const rect = pane.getBoundingClientRect()
        pane.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: rect.left + 5, clientY: rect.top + 5 }))
        pane.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, clientX: rect.left + 5, clientY: rect.top + 5 }))
      }))
      interactiveRunsMs.push(round(ms, 0))
      options.onProgress?.(run + 1)
    }
    const dragFrameMs = await dragFrames(page, dragSteps)
    const sorted = [...interactiveRunsMs].sort((a, b) => a - b)
    return { nodes: size, edges: size - 1, interactiveMs: percentile(sorted, 50), interactiveRunsMs, dragFrameMs }
  } finally {
    await browser.close()
    http.close()
    await server.close()
  }
}

/** Drags the first visible node in `steps` pointer moves and returns the frame deltas meanwhile. */
async function dragFrames(page: Page, steps: number): Promise<EditorResult['dragFrameMs']> {
  const node = page.locator('.react-flow__node[data-id="start"]')
  const box = await node.boundingBox()
  if (!box) throw new Error('bench editor: node "start" has no box to drag')
  // A string, not a function: tsx would wrap a named closure in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__frames = []
    window.__stop = false
    let last = performance.now()
    const tick = (now) => {
      window.__frames.push(now - last)
      last = now
      if (!window.__stop) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 400, y + 300, { steps })
  await page.mouse.up()
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean }
    w.__stop = true
    // The first delta spans the set-up, not a frame of the drag.
    return w.__frames.slice(1)
  })
  const sorted = [...frames].sort((a, b) => a - b)
  return { p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), max: round(sorted.at(-1) ?? 0, 1), frames: frames.length }
}
