/**
 * Routing by score: a cut-off, the top N or top %, bands, or (RFM) named cells. Rankings order
 * by score, highest first, then by customer id (code-unit order) so equal scores always break
 * the same way, whatever order or batch the customers arrived in.
 */
import type { CohortMember, RoutedCustomer } from '../../engine/sdk/index.ts'
import { OTHER_CELLS, UNSCORED, type Routing } from './config.ts'

/** One customer with its score (null: unscored) and the values journalled with the decision. */
export interface Scored {
  member: CohortMember
  score: number | null
  /** Why the customer has no score. */
  unscored?: string
  /** RFM cell, for cell routing. */
  cell?: string
  values: Record<string, unknown>
}

/** A score as people read it: at most 6 significant digits. */
export function formatScore(score: number): string {
  return String(Number(score.toPrecision(6)))
}

/** Scored customers, highest score first, ties by customer id. */
export function rank(scored: readonly Scored[]): Scored[] {
  return scored
    .filter((s) => s.score !== null)
    .sort((a, b) => (b.score as number) - (a.score as number) || (a.member.id < b.member.id ? -1 : a.member.id > b.member.id ? 1 : 0))
}

/** How many customers "top percent %" of `count` is: ⌈percent × count / 100⌉, computed without float drift. */
export function topPercentCount(percent: number, count: number): number {
  // 0.7 × 100 is 70.00000000000001 in floating point; rounding to 1e-9 first keeps ⌈⌉ honest.
  return Math.min(count, Math.ceil(Math.round((percent * count) / 100 * 1e9) / 1e9))
}

/** Output name → customers leaving on it, each with a reason and the decision's values. */
export function routeScored(routing: Routing, scored: readonly Scored[]): Record<string, RoutedCustomer[]> {
  const routes: Record<string, RoutedCustomer[]> = {}
  const send = (output: string, s: Scored, reason: string, extra: Record<string, unknown> = {}) => {
    ;(routes[output] ??= []).push({ customer: s.member, reason, values: { ...s.values, ...extra } })
  }
  for (const s of scored) if (s.score === null) send(UNSCORED, s, `not scored: ${s.unscored ?? 'no score'}`)

  switch (routing.type) {
    case 'threshold':
      for (const s of scored) {
        if (s.score === null) continue
        const pass = s.score >= routing.min
        send(pass ? 'pass' : 'fail', s, `score ${formatScore(s.score)} ${pass ? '≥' : '<'} ${formatScore(routing.min)}`)
      }
      break
    case 'top-n':
    case 'top-percent': {
      const ranked = rank(scored)
      const limit = routing.type === 'top-n' ? Math.min(routing.n, ranked.length) : topPercentCount(routing.percent, ranked.length)
      const label = routing.type === 'top-n' ? `top ${routing.n}` : `top ${routing.percent} % (${limit})`
      ranked.forEach((s, index) => {
        const position = index + 1
        const top = index < limit
        send(top ? 'top' : 'rest', s, `score ${formatScore(s.score as number)}, rank ${position} of ${ranked.length}: ${top ? 'in' : 'not in'} the ${label}`, {
          rank: position,
          ranked: ranked.length,
        })
      })
      break
    }
    case 'bands':
      for (const s of scored) {
        if (s.score === null) continue
        const score = s.score
        const band = routing.bands.find((b) => b.min === undefined || score >= b.min) ?? routing.bands[routing.bands.length - 1]
        if (!band) continue
        send(band.name, s, `score ${formatScore(score)} in band "${band.name}"${band.min === undefined ? ' (below every other band)' : ` (≥ ${formatScore(band.min)})`}`, { band: band.name })
      }
      break
    case 'cells': {
      const listed = new Set<string>(routing.cells)
      for (const s of scored) {
        if (s.score === null) continue
        const cell = s.cell ?? 'none'
        send(listed.has(cell) ? cell : OTHER_CELLS, s, `RFM cell ${cell}${listed.has(cell) ? '' : ', not one of the listed cells'}`)
      }
      break
    }
    default:
      routing satisfies never
  }
  return routes
}
