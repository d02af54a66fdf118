import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ServerContext } from '../context.ts'
import type { StoreStats } from '../../engine/ports/store.ts'

/** `GET /`: a small status page (health and store contents) until the editor replaces it. */
export function statusPage({ store, version }: ServerContext): Hono {
  return new Hono().get('/', async (c) => {
    const stats = await store.stats()
    return c.html(render(stats, version))
  })
}

const number = new Intl.NumberFormat('en-US')

// hono's html`` escapes every interpolated value, so store contents cannot inject markup.
function render(stats: StoreStats, version: string) {
  const rows: [string, number][] = [
    ['Customers', stats.customers],
    ['Events', stats.events],
    ['Attributes in the catalogue', stats.attributes],
    ['Consent statements', stats.consents],
    ['Suppressed entries', stats.suppressions],
    ['Contacts in history', stats.contacts],
  ]
  const empty = stats.customers === 0
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sluice</title>
  <style>
    body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; color: #1c2733; }
    h1 { margin-bottom: 0 } .ok { color: #1a7f37 } table { border-collapse: collapse; width: 100% }
    td, th { padding: .3rem .6rem; border-bottom: 1px solid #e3e8ee; text-align: left } td.n { text-align: right; font-variant-numeric: tabular-nums }
    .empty { background: #fff8e1; padding: .8rem 1rem; border-radius: 6px }
  </style>
</head>
<body>
  <h1>Sluice</h1>
  <p><span class="ok">● healthy</span> · version ${version} · store: ${stats.dialect} · <a href="/health">/health</a> (JSON)</p>
  ${empty
    ? html`<p class="empty">The store is empty. Load the demo data with <code>npx sluice demo</code>, or import your own with <code>npx sluice import customers FILE.csv</code>.</p>`
    : ''}
  <h2>What the store holds</h2>
  <table>${rows.map(([label, value]) => html`<tr><td>${label}</td><td class="n">${number.format(value)}</td></tr>`)}</table>
  ${stats.eventTypes.length > 0
    ? html`<h2>Events by type</h2>
  <table><tr><th>Type</th><th class="n">Events</th></tr>${stats.eventTypes.map((t) => html`<tr><td>${t.type}</td><td class="n">${number.format(t.count)}</td></tr>`)}</table>`
    : ''}
  <p>The flow editor arrives with a later release; until then use the CLI: <code>npx sluice --help</code>.</p>
</body>
</html>`
}
