/**
 * Uplift of a treated group over its holdout (control) group, for the measure report. Pure.
 *
 * - uplift: the rate difference p₁ − p₂ (p₁ = treated conversions / treated customers, p₂ the
 *   same for the holdout);
 * - 95 % confidence interval: unpooled Wald, (p₁ − p₂) ± z₀.₉₇₅ · √(p₁q₁/n₁ + p₂q₂/n₂), q = 1 − p;
 * - p-value: two-sided pooled two-proportion z-test: p̄ = (x₁ + x₂)/(n₁ + n₂),
 *   z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), p = 2·(1 − Φ(|z|)).
 *
 * Both rest on the normal approximation, which is poor with few customers or few conversions,
 * so below {@link MIN_CUSTOMERS} customers, or {@link MIN_OUTCOMES} conversions or
 * non-conversions, in either group the answer is "not enough data" rather than a number.
 */
import jstat from 'jstat'

const { normal } = jstat.jStat

/** Fewest customers per group (treated and holdout) for an uplift figure. */
export const MIN_CUSTOMERS = 50
/** Fewest conversions, and fewest non-conversions, per group (the usual n·p ≥ 5 rule for the normal approximation). */
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
  for (const [name, arm] of [['treated', treated], ['holdout', holdout]] as const) {
    if (!Number.isInteger(arm.customers) || !Number.isInteger(arm.converted) || arm.converted < 0 || arm.converted > arm.customers) {
      throw new RangeError(`uplift: ${name} group needs whole counts with 0 ≤ converted ≤ customers, got ${arm.converted} of ${arm.customers}`)
    }
    if (arm.customers < MIN_CUSTOMERS) return { enough: false, reason: `not enough data: ${name} group has ${arm.customers} customers (minimum ${MIN_CUSTOMERS})` }
    const outcomes = Math.min(arm.converted, arm.customers - arm.converted)
    if (outcomes < MIN_OUTCOMES) {
      const which = arm.converted < MIN_OUTCOMES ? `${arm.converted} conversions` : `${arm.customers - arm.converted} non-conversions`
      return { enough: false, reason: `not enough data: ${name} group has ${which} (minimum ${MIN_OUTCOMES})` }
    }
  }
  const p1 = rate(treated)
  const p2 = rate(holdout)
  const difference = p1 - p2
  const margin = Z_975 * Math.sqrt((p1 * (1 - p1)) / treated.customers + (p2 * (1 - p2)) / holdout.customers)
  const pooled = (treated.converted + holdout.converted) / (treated.customers + holdout.customers)
  const z = difference / Math.sqrt(pooled * (1 - pooled) * (1 / treated.customers + 1 / holdout.customers))
  // 2·(1 − Φ(|z|)) computed as 2·Φ(−|z|), which keeps its precision for large |z|.
  const pValue = 2 * normal.cdf(-Math.abs(z), 0, 1)
  return { enough: true, uplift: difference, ci95: [difference - margin, difference + margin], z, pValue }
}
