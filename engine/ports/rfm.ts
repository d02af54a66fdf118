/**
 * RFM (recency, frequency, monetary) as the store computes it for the score node: one
 * set-based query over the whole population of buyers in a window, answered for a cohort.
 * Shared by the store port (store/ implements it per dialect) and the node data port.
 */

/** Which events count as purchases, and the window `[from, now]` (epoch ms, both inclusive). */
export interface RfmQuery {
  /** Event type of a purchase, e.g. `purchase`. */
  event: string
  /** Event property holding the amount; non-numeric or missing amounts count as 0. */
  amountProperty: string
  /** Start of the window (inclusive). */
  from: number
  /** End of the window (inclusive) and the time recency is measured from. */
  now: number
}

/**
 * One buyer's measures and quintile scores. Scores are `1 + floor(5 × (rank − 1) / n)` where
 * `rank` is the SQL `RANK()` of the measure from worst to best over the `n` buyers of the
 * population: tied customers share the lowest rank of their group, so a tie never lifts a score.
 */
export interface RfmScore {
  /** The customer's internal key. */
  key: number
  /** Whole days from the last purchase in the window to `now` (floor). Fewer is better. */
  recencyDays: number
  /** Purchases in the window. */
  frequency: number
  /** Sum of the numeric amounts in the window, rounded to 6 decimals. */
  monetary: number
  r: number
  f: number
  m: number
}

/** The answer for a cohort: scores of its members who bought in the window, and the population size. */
export interface RfmAnswer {
  /** Customers in the whole store with at least one purchase in the window (the quintiles' base). */
  population: number
  /** Only cohort members with a purchase in the window; others are absent. */
  scores: RfmScore[]
}

/**
 * The population's quintile boundaries for one query: for each measure, the values at the
 * positions ⌈s × n / 5⌉ (s = 1..4) of the population sorted worst first. A buyer's score on a
 * measure is 1 + how many of its four boundaries the buyer's value is strictly better than, which
 * equals the RANK()-based score: a cohort taken in many batches ranks the population once.
 */
export interface RfmPopulation {
  population: number
  /** Whole days since the last purchase: fewer is better. */
  recencyDays: number[]
  frequency: number[]
  monetary: number[]
}
