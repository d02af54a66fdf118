/**
 * Uplift of a treated group over its holdout (control) group, for the measure report. Pure.
 *
 * - uplift: the rate difference p₁ − p₂ (p₁ = treated conversions / treated customers, p₂ the
 *   same for the holdout);
 * - 95 % confidence interval: Newcombe's hybrid score interval (Newcombe 1998, method 10), from
 *   the Wilson score interval [lᵢ, uᵢ] of each rate: (p₁ − p₂) − √((p₁ − l₁)² + (u₂ − p₂)²) to
 *   (p₁ − p₂) + √((u₁ − p₁)² + (p₂ − l₂)²). The unpooled Wald interval it replaces covered 0 in
 *   only ~90 % of A/A draws at the demo's holdout size (54 customers, ~4 conversions expected;
 *   docs/measure.md, "Calibration"); the score interval stays near 95 % there and equals Wald for
 *   large groups;
 * - p-value: two-sided pooled two-proportion z-test: p̄ = (x₁ + x₂)/(n₁ + n₂),
 *   z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), p = 2·(1 − Φ(|z|)).
 *
 * Both rest on large-sample approximations, poor with few customers or few conversions, so when
 * either group has fewer than {@link MIN_CUSTOMERS} customers, or would have fewer than
 * {@link MIN_OUTCOMES} conversions or non-conversions at the pooled rate (nᵢ·p̄, nᵢ·(1 − p̄): the
 * expected counts of the z-test), the answer is "not enough data" rather than a number. The
 * rule looks at the pooled rate, not at each group's own count, on purpose: a rule on the
 * holdout's own conversions prints a figure only when a small holdout happened to convert more
 * than expected, and the figures printed are then mostly negative (94 % of them in A/A draws on
 * the demo); the pooled rate does not depend on how the conversions split between the groups.
 */
import jstat from 'jstat'

const { normal } = jstat.jStat

/** Fewest customers per group (treated and holdout) for an uplift figure. */
export const MIN_CUSTOMERS = 50
/** Fewest expected conversions, and non-conversions, per group at the pooled rate (the usual n·p ≥ 5 rule of the z-test). */
export const MIN_OUTCOMES = 5
/** z₀.₉₇₅ ≈ 1.959964, the two-sided 95 % normal quantile. */
export const Z_975 = normal.inv(0.975, 0, 1)

/** Customers and conversions of one group. */
export interface Arm {
  customers: number
  converted: number
}

/** An uplift figure with its 95 % interval and two-sided p-value. */
export interface Uplift {
  enough: true
  /** Treated rate − holdout rate. */
  uplift: number
  ci95: [number, number]
  /** The pooled z statistic. */
  z: number
  pValue: number
}

/** Why there is no figure. */
export interface NotEnoughData {
  enough: false
  reason: string
}

/** The rate of an arm (0 for an empty one). */
export function rate(arm: Arm): number {
  return arm.customers === 0 ? 0 : arm.converted / arm.customers
}

/** Uplift of `treated` over `holdout`, or "not enough data" under the stated minimums. */
export function uplift(treated: Arm, holdout: Arm): Uplift | NotEnoughData {
  const arms = [['treated', treated], ['holdout', holdout]] as const
  for (const [name, arm] of arms) {
    if (!Number.isInteger(arm.customers) || !Number.isInteger(arm.converted) || arm.converted < 0 || arm.converted > arm.customers) {
      throw new RangeError(`uplift: ${name} group needs whole counts with 0 ≤ converted ≤ customers, got ${arm.converted} of ${arm.customers}`)
    }
  }
  for (const [name, arm] of arms) {
    if (arm.customers < MIN_CUSTOMERS) return { enough: false, reason: `not enough data: ${name} group has ${arm.customers} customers (minimum ${MIN_CUSTOMERS})` }
  }
  const pooled = (treated.converted + holdout.converted) / (treated.customers + holdout.customers)
  for (const [name, arm] of arms) {
    const conversions = arm.customers * pooled
    const nonConversions = arm.customers * (1 - pooled)
    if (Math.min(conversions, nonConversions) < MIN_OUTCOMES) {
      const which = conversions < MIN_OUTCOMES ? `${conversions.toFixed(1)} conversions` : `${nonConversions.toFixed(1)} non-conversions`
      return { enough: false, reason: `not enough data: at the pooled rate of ${(pooled * 100).toFixed(2)} % the ${name} group would have ${which} (minimum ${MIN_OUTCOMES})` }
    }
  }
  const p1 = rate(treated)
  const p2 = rate(holdout)
  const difference = p1 - p2
  const [l1, u1] = wilson(treated)
  const [l2, u2] = wilson(holdout)
  const ci95: [number, number] = [difference - Math.hypot(p1 - l1, u2 - p2), difference + Math.hypot(u1 - p1, p2 - l2)]
  const z = difference / Math.sqrt(pooled * (1 - pooled) * (1 / treated.customers + 1 / holdout.customers))
  // 2·(1 − Φ(|z|)) computed as 2·Φ(−|z|), which keeps its precision for large |z|.
  const pValue = 2 * normal.cdf(-Math.abs(z), 0, 1)
  return { enough: true, uplift: difference, ci95, z, pValue }
}

/** The 95 % Wilson score interval of an arm's rate. */
export function wilson(arm: Arm): [number, number] {
  const n = arm.customers
  const p = rate(arm)
  const z2 = Z_975 * Z_975
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (Z_975 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return [centre - half, centre + half]
}
