/**
 * A/A calibration of the measure report (docs/measure.md, "Calibration"): a synthetic store in
 * which messages cannot change anything customers do (a back-test writes no events, and the
 * purchases are fixed before the run), a win-back-like flow that re-enters customers every week
 * and holds treated ones by "not the same offer twice" — what biased the report before — and the
 * same flow run once per holdout draw, through `sluice run`'s own code (simulateFlow: publish,
 * run on the simulated clock, measure report, roll back). The holdout is drawn by flow id ×
 * customer id (inHoldout), so draw s is the flow with id `aa-<s>`.
 *
 * With no effect to find, the report's 95 % interval should cover 0 in 95 % of the draws and
 * its p-value fall under 0.05 in 5 %.
 */
import type { Flow } from '../../engine/flow/schema.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import type { CustomerInput, EventInput, ConsentInput, StorePort } from '../../engine/ports/store.ts'
import { simulateFlow } from '../../cli/commands/run.ts'
import { Rng } from '../../demo/prng.ts'

const DAY = 86_400_000
const HOUR = 3_600_000

/** The simulated period: Monday 2025-03-03 00:00 UTC, three weekly fires; the report as of day 20, while the third week's windows are open. */
export const AA_START = Date.UTC(2025, 2, 3)
export const AA_UNTIL = AA_START + 20 * DAY
/** Purchases happen on Wednesdays and Saturdays at noon UTC (few distinct instants: few wake-up ticks). */
const SHOPPING_DAYS = [2, 5]

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Shanghai', 'America/Los_Angeles']

/**
 * `customers` customers, each with an e-mail address, e-mail consent and a purchase habit: a
 * log-normal chance of buying on each shopping day (most rarely buy, a few almost always), from
 * eight weeks before the start to its end.
 */
export function aaDataset(customers: number, seed = 'aa'): { customers: CustomerInput[]; consents: ConsentInput[]; events: EventInput[] } {
  const rows: CustomerInput[] = []
  const consents: ConsentInput[] = []
  const events: EventInput[] = []
  for (let i = 0; i < customers; i++) {
    const id = `aa-${String(i).padStart(5, '0')}`
    const rng = new Rng(seed, id)
    rows.push({ id, timeZone: rng.pick(ZONES), addresses: { email: `${id}@example.com` }, preferredChannel: 'email' })
    consents.push({ customerId: id, channel: 'email', status: 'granted', at: AA_START - 400 * DAY })
    const chance = Math.min(0.8, rng.logNormal(Math.log(0.08), 1))
    for (let week = -8; week < 3; week++) {
      for (const day of SHOPPING_DAYS) {
        if (rng.chance(chance)) events.push({ id: `${id}-w${week + 8}d${day}`, customerId: id, type: 'purchase', at: AA_START + (week * 7 + day) * DAY + 12 * HOUR, properties: { amount: 10 + rng.int(0, 90) } })
      }
    }
  }
  return { customers: rows, consents, events }
}

/** Loads {@link aaDataset} into `store`. */
export async function loadAaDataset(store: StorePort, customers: number): Promise<void> {
  const data = aaDataset(customers)
  await store.upsertCustomers(data.customers)
  await store.setConsents(data.consents)
  for (let i = 0; i < data.events.length; i += 5_000) await store.insertEvents(data.events.slice(i, i + 5_000))
}

/**
 * The flow of draw `id`: every Monday 09:00 UTC (again after 7 days), customers without a
 * purchase in the last 14 days pass the contact policy (the same offer not within 28 days), get
 * an e-mail, and are followed for 6 days after it to a purchase (the window closes before the next fire).
 * Treated customers are held by the offer rule for the next three weeks; the holdout, never
 * messaged, passes again every week it is still lapsed.
 */
export function aaFlow(id: string, holdoutPercent: number): Flow {
  return {
    id, name: `A/A ${id}`, version: 1,
    nodes: [
      { id: 'weekly', type: 'trigger', config: { schedule: { cron: '0 9 * * 1', timeZone: 'UTC' } } },
      { id: 'lapsed', type: 'filter-segment', config: { segment: { type: 'not', condition: { type: 'event', event: 'purchase', within: { amount: 14, unit: 'days' } } } } },
      { id: 'policy', type: 'throttle', config: { channel: 'email', offer: 'aa', duplicateOfferDays: 28 } },
      { id: 'reach-out', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'We miss you', body: 'Come back', offer: 'aa' }] } },
      { id: 'purchase-7d', type: 'measure', config: { event: 'purchase', withinDays: 6, anchor: { node: 'reach-out' }, revenue: 'amount' } },
    ],
    edges: [
      { from: 'weekly', output: 'entered', to: 'lapsed' },
      { from: 'lapsed', output: 'match', to: 'policy' },
      { from: 'policy', output: 'pass', to: 'reach-out' },
      { from: 'reach-out', output: 'email', to: 'purchase-7d' },
    ],
    settings: { priority: 1, entry: { policy: 'again-after', days: 7 }, holdout: { percent: holdoutPercent } },
    layout: {},
  }
}

/** One draw's overall comparison. */
export interface AaDraw {
  flowId: string
  treated: { customers: number; converted: number; open: number }
  holdout: { customers: number; converted: number; open: number; held: number }
  /** null: not enough data. */
  uplift: { uplift: number; ci95: [number, number]; pValue: number } | null
}

/** What {@link runAaDraws} runs: draw s is `flowOf(s)` on the simulated clock from `start` to `until` (default: {@link aaFlow} over the A/A period). */
export interface AaDrawOptions {
  first?: number
  count: number
  holdoutPercent: number
  flowOf?: (draw: number) => Flow
  start?: number
  until?: number
  onDraw?: (draw: AaDraw) => void
}

/** Runs draws `first` … `first + count − 1` on `store`, each rolled back. */
export async function runAaDraws(store: StorePort, registry: NodeRegistry, options: AaDrawOptions): Promise<AaDraw[]> {
  const draws: AaDraw[] = []
  const first = options.first ?? 0
  const flowOf = options.flowOf ?? ((s: number) => aaFlow(`aa-${s}`, options.holdoutPercent))
  for (let s = first; s < first + options.count; s++) {
    const flow = flowOf(s)
    const report = await simulateFlow(store, { flow, registry, start: options.start ?? AA_START, until: options.until ?? AA_UNTIL, keep: false })
    const measure = report.measure
    if (!measure) throw new Error(`draw ${flow.id}: the run printed no measure report`)
    const { treated, holdout, uplift } = measure.overall
    const draw: AaDraw = {
      flowId: flow.id,
      treated: { customers: treated.customers, converted: treated.converted, open: treated.open ?? 0 },
      holdout: { customers: holdout.customers, converted: holdout.converted, open: holdout.open ?? 0, held: holdout.held ?? 0 },
      uplift: uplift.enough ? { uplift: uplift.uplift, ci95: uplift.ci95, pValue: uplift.pValue } : null,
    }
    options.onDraw?.(draw)
    draws.push(draw)
  }
  return draws
}

/** Draw s of an existing flow: the same flow under the id `<id>-aa-<s>` (another holdout draw), with the holdout percent given. */
export function redrawn(flow: Flow, holdoutPercent: number): (draw: number) => Flow {
  return (s) => ({ ...flow, id: `${flow.id}-aa-${s}`, settings: { ...flow.settings, holdout: { percent: holdoutPercent } } })
}

/** The calibration figures of a set of draws. */
export interface AaSummary {
  draws: number
  /** Draws with an uplift figure (the others: not enough data). */
  measured: number
  /** Share of measured draws whose 95 % interval contains 0. */
  coverage: number
  /** Share of measured draws with p < 0.05. */
  falsePositives: number
  /** Mean uplift over the measured draws, and the share of them below 0. */
  meanUplift: number
  negative: number
}

export function summarizeAa(draws: readonly AaDraw[]): AaSummary {
  const measured = draws.flatMap((d) => (d.uplift ? [d.uplift] : []))
  const share = (test: (u: NonNullable<AaDraw['uplift']>) => boolean) => (measured.length === 0 ? 0 : measured.filter(test).length / measured.length)
  return {
    draws: draws.length,
    measured: measured.length,
    coverage: share((u) => u.ci95[0] <= 0 && u.ci95[1] >= 0),
    falsePositives: share((u) => u.pValue < 0.05),
    meanUplift: measured.length === 0 ? 0 : measured.reduce((sum, u) => sum + u.uplift, 0) / measured.length,
    negative: share((u) => u.uplift < 0),
  }
}
