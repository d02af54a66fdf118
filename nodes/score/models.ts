/**
 * Scorecards and logistic models applied to one customer's attributes: pure functions, so the
 * node reads the cohort's profiles once and scores them in memory.
 */
import type { AttributeValue } from '../../engine/sdk/index.ts'
import type { LogisticMethod, ScorecardMethod } from './config.ts'

/** A customer's score, or why there is none. */
export type ModelOutcome = { score: number; defaulted: string[] } | { score: null; unscored: string }

/** A number for numeric terms and bins: numbers as they are, true/false as 1/0, anything else missing. */
export function numericValue(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

/** The logistic function, written so that neither branch overflows for large |z|. */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

/**
 * Scorecard points: base + for each characteristic the points of the first bin (from ≤ x < to)
 * or category (same JSON value) the attribute falls in; a missing value, one of another type or
 * one in no bin gets the characteristic's `missing` points (listed in `defaulted`).
 */
export function scorecardScore(method: ScorecardMethod, attributes: Readonly<Record<string, AttributeValue>>): ModelOutcome {
  let score = method.base
  const defaulted: string[] = []
  for (const feature of method.features) {
    const value = attributes[feature.attribute]
    let points: number | undefined
    if (feature.bins) {
      const x = numericValue(value)
      if (x !== undefined) points = feature.bins.find((bin) => (bin.from === undefined || x >= bin.from) && (bin.to === undefined || x < bin.to))?.points
    } else if (feature.categories && value !== undefined && value !== null) {
      points = feature.categories.find((category) => category.values.some((v) => v === value))?.points
    }
    if (points === undefined) {
      points = feature.missing
      defaulted.push(feature.attribute)
    }
    score += points
  }
  return { score, defaulted }
}

/**
 * Logistic model: z = intercept + Σ coefficient × x over numeric terms (a missing x takes the
 * term's `missing` value, or leaves the customer unscored) + the coefficient of the customer's
 * level for each categorical term (the reference level, and unlisted or missing values when
 * `unknown` is `reference`, contribute 0); the score is 1 / (1 + e^−z).
 */
export function logisticScore(method: LogisticMethod, attributes: Readonly<Record<string, AttributeValue>>): ModelOutcome {
  let z = method.intercept
  const defaulted: string[] = []
  for (const term of method.numeric) {
    let x = numericValue(attributes[term.attribute])
    if (x === undefined) {
      if (term.missing === 'unscored') return { score: null, unscored: `${term.attribute} is missing or not a number` }
      x = term.missing
      defaulted.push(term.attribute)
    }
    z += term.coefficient * x
  }
  for (const term of method.categorical) {
    const value = attributes[term.attribute]
    const level = value === undefined || value === null ? undefined : String(value)
    if (level !== undefined && Object.hasOwn(term.levels, level)) {
      z += term.levels[level] as number
      continue
    }
    if (level === term.reference) continue
    if (term.unknown === 'unscored') {
      return { score: null, unscored: level === undefined ? `${term.attribute} is missing` : `${term.attribute} "${level}" is not a level of the model` }
    }
    defaulted.push(term.attribute)
  }
  return { score: logistic(z), defaulted }
}
