/**
 * The editor under test: its build, a test server serving it on a loopback port, and Debian's
 * Chromium driven by playwright-core with the flags this machine needs. Screenshots go to
 * test/artifacts/ to be looked at.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { createApp } from '../../server/app.ts'
import { EDITOR_DIST, ensureEditorBuilt } from '../../server/editor-assets.ts'
import { localAuthenticator } from '../../server/http/api-env.ts'
import { testServer, type TestServer } from '../../server/testing.ts'

const ARTIFACTS = new URL('../artifacts/', import.meta.url)
const CHROMIUM = '/usr/bin/chromium'
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface EditorSession {
  server: TestServer
  page: Page
  /** The editor's origin, e.g. http://127.0.0.1:41234. */
  base: string
  shot(name: string): Promise<Buffer>
  close(): Promise<void>
}

/**
 * Builds the editor when stale, serves it over a fresh test server (as a marketer in local mode;
 * `registry`: other node types than the built-ins; `signIn`: behind the sign-in `sluice serve`
 * has instead, session cookies for the auth store's users and bearer API tokens, so the page
 * starts at the login form) and opens a page.
 */
export async function openEditor(seed?: (server: TestServer) => Promise<void>, options: { registry?: NodeRegistry; signIn?: boolean } = {}): Promise<EditorSession> {
  await ensureEditorBuilt()
  const server = await testServer({ auth: localAuthenticator('marketer'), ...(options.registry ? { registry: options.registry } : {}) })
  // The sessions authenticator is the one the test server already routes /api/auth to.
  if (options.signIn) server.ctx.auth = server.ctx.sessions
  await seed?.(server)
  const app = createApp({ ...server.ctx, editorDir: EDITOR_DIST })
  const http: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => http.once('listening', () => resolve()))
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  } catch (error) {
    throw new Error(`cannot start ${CHROMIUM} (CI installs Debian's chromium: see .ci/run): ${error instanceof Error ? error.message : String(error)}`)
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    server,
    page,
    base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    shot: (name) => page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname }),
    close: async () => {
      await browser.close()
      http.close()
      await server.close()
    },
  }
}

/** axe-core's serious and critical WCAG 2 A/AA violations inside `selector`, as "rule: target" lines. */
export async function accessibilityProblems(page: Page, selector: string): Promise<string[]> {
  // Evaluated rather than added as a script tag: the editor's CSP refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE)
  return page.evaluate(async (scope) => {
    const axe = (window as unknown as { axe: { run(context: string, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; html: string }[] }[] }> } }).axe
    const result = await axe.run(scope, { runOnly: ['wcag2a', 'wcag2aa'] })
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} ${n.html.slice(0, 120)}`))
  }, selector)
}
