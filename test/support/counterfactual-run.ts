/**
 * A small win-back run for the counterfactual CLI and route tests: 40 customers with 1–5
 * purchases of varied amounts and recency (so RFM scores spread over 3–15), an e-mail address
 * and e-mail consent each, and a run of flows/win-back.flow.json routed by a score cut-off (score ≥ `min` → the
 * contact-policy gate → a message) over September 2026, whose monthly fire is 1 September.
 */
import { readFileSync } from 'node:fs'
import { flowSchema, type Flow } from '../../engine/flow/schema.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { backtestFlow } from '../../engine/simulation/simulate-flow.ts'

const DAY = 86_400_000
/** The run's window: the fire on 1 September 09:00 UTC and 14 days of measuring after the messages. */
export const COUNTERFACTUAL_START = Date.UTC(2026, 7, 31)
export const COUNTERFACTUAL_UNTIL = Date.UTC(2026, 9, 1)

/** flows/win-back.flow.json routed by a score cut-off: RFM score ≥ `min` → the contact-policy gate. */
export function winBackWithCutOff(min: number, version: number): Flow {
  const flow = flowSchema.parse(JSON.parse(readFileSync('flows/win-back.flow.json', 'utf8')))
  return {
    ...flow,
    version,
    nodes: flow.nodes.map((node) => (node.id === 'rfm' ? { ...node, config: { ...node.config, routing: { type: 'threshold', min } } } : node)),
    edges: flow.edges.map((edge) => (edge.from === 'rfm' ? { ...edge, output: 'pass' } : edge)),
  }
}

/** Seeds the 40 customers and their purchases and keeps a run of the cut-off `min` flow; returns the run id. */
export async function seedCounterfactualRun(store: EngineStore, registry: NodeRegistry, min: number): Promise<string> {
  const ids = Array.from({ length: 40 }, (_, i) => `w-${String(i + 1).padStart(2, '0')}`)
  await store.customers.upsertCustomers(ids.map((id) => ({ id, attributes: {}, addresses: { email: `${id}@example.com` } })))
  await store.customers.setConsents(ids.map((customerId) => ({ customerId, channel: 'email', status: 'granted', at: COUNTERFACTUAL_START - 400 * DAY })))
  await store.customers.insertEvents(
    ids.flatMap((customerId, i) =>
      Array.from({ length: 1 + (i % 5) }, (_, j) => ({
        id: `p-${customerId}-${j}`, customerId, type: 'purchase',
        at: COUNTERFACTUAL_START - (5 + ((i * 7) % 200) + j * 11) * DAY,
        properties: { amount: 10 + ((i * 13) % 90) + j },
      })),
    ),
  )
  const report = await backtestFlow(store, { flow: winBackWithCutOff(min, 1), registry, start: COUNTERFACTUAL_START, until: COUNTERFACTUAL_UNTIL, keep: true })
  return report.runId
}
