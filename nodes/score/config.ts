/**
 * The score node's config: a method (RFM, scorecard or logistic model, as analysts hand them
 * over), the tag the score is written to, and how customers are routed by their score.
 */
import { z } from 'zod'
import { RFM_CELL_TAG, RFM_CELLS } from '../../engine/sdk/index.ts'

const attribute = z.string().min(1).max(128).meta({ title: 'Attribute' })

const rfmMethod = z
  .strictObject({
    type: z.literal('rfm'),
    event: z.string().min(1).default('purchase').meta({ title: 'Purchase event', description: 'Event type that counts as a purchase.' }),
    amountProperty: z
      .string()
      .min(1)
      .default('amount')
      .meta({ title: 'Amount property', description: 'Event property with the amount spent; missing or non-numeric amounts count as 0.' }),
    windowDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(365)
      .meta({ title: 'Window (days)', description: 'Purchases in the last N days up to now count.' }),
  })
  .meta({ title: 'RFM', description: 'Recency, frequency and monetary value, each 1–5 by quintile over every buyer in the window; score = R + F + M.' })

const numericBin = z
  .strictObject({
    from: z.number().optional().meta({ title: 'From (inclusive)', description: 'Omit for no lower bound.' }),
    to: z.number().optional().meta({ title: 'To (exclusive)', description: 'Omit for no upper bound.' }),
    points: z.number().meta({ title: 'Points' }),
  })
  .meta({ title: 'Bin', description: 'from ≤ value < to.' })

const categoryBin = z
  .strictObject({
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).meta({ title: 'Values' }),
    points: z.number().meta({ title: 'Points' }),
  })
  .meta({ title: 'Category', description: 'The attribute equals one of the values (same JSON type).' })

const scorecardFeature = z
  .strictObject({
    attribute,
    bins: z.array(numericBin).min(1).optional().meta({ title: 'Numeric bins' }),
    categories: z.array(categoryBin).min(1).optional().meta({ title: 'Categories' }),
    missing: z.number().meta({ title: 'Points when missing', description: 'Points when the value is missing, of another type, or in no bin.' }),
  })
  .meta({ title: 'Characteristic', description: 'Exactly one of bins (numbers) or categories.' })

const scorecardMethod = z
  .strictObject({
    type: z.literal('scorecard'),
    base: z.number().default(0).meta({ title: 'Base points' }),
    features: z.array(scorecardFeature).min(1).meta({ title: 'Characteristics' }),
  })
  .meta({ title: 'Scorecard', description: 'Base points plus, per characteristic, the points of the bin the value falls in.' })

const numericTerm = z
  .strictObject({
    attribute,
    coefficient: z.number().meta({ title: 'Coefficient' }),
    missing: z
      .union([z.number(), z.literal('unscored')])
      .meta({ title: 'When missing', description: 'A value to use instead (e.g. the training mean), or "unscored" to leave the customer unscored.' }),
  })
  .meta({ title: 'Numeric term', description: 'coefficient × value; true/false count as 1/0.' })

const categoricalTerm = z
  .strictObject({
    attribute,
    reference: z.string().meta({ title: 'Reference level', description: 'The level without a coefficient (contributes 0).' }),
    levels: z.record(z.string(), z.number()).meta({ title: 'Level coefficients', description: 'One-hot: level → coefficient. Values compare as text.' }),
    unknown: z
      .enum(['reference', 'unscored'])
      .default('reference')
      .meta({ title: 'Other values', description: 'A missing value or one not listed: treat as the reference level, or leave the customer unscored.' }),
  })
  .meta({ title: 'Categorical term' })

const logisticMethod = z
  .strictObject({
    type: z.literal('logistic'),
    intercept: z.number().meta({ title: 'Intercept' }),
    numeric: z.array(numericTerm).default([]).meta({ title: 'Numeric terms' }),
    categorical: z.array(categoricalTerm).default([]).meta({ title: 'Categorical terms' }),
  })
  .meta({ title: 'Logistic model', description: 'p = 1 / (1 + e^−z), z = intercept + Σ coefficient × value + Σ level coefficients.' })

const bandSchema = z
  .strictObject({
    name: z.string().min(1).max(64).meta({ title: 'Output name' }),
    min: z.number().optional().meta({ title: 'Minimum score', description: 'Score ≥ min; omit on the last band (everyone else).' }),
  })
  .meta({ title: 'Band' })

const routingSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('threshold'), min: z.number().meta({ title: 'Cut-off' }) }).meta({ title: 'Cut-off', description: 'score ≥ cut-off → pass, else fail.' }),
    z.strictObject({ type: z.literal('top-n'), n: z.number().int().min(1).meta({ title: 'N' }) }).meta({ title: 'Top N', description: 'The N highest scores → top, the rest → rest.' }),
    z
      .strictObject({ type: z.literal('top-percent'), percent: z.number().gt(0).max(100).meta({ title: 'Percent' }) })
      .meta({ title: 'Top %', description: 'The highest ⌈percent × scored / 100⌉ scores → top, the rest → rest.' }),
    z.strictObject({ type: z.literal('bands'), bands: z.array(bandSchema).min(2).meta({ title: 'Bands' }) }).meta({ title: 'Bands', description: 'One output per band, highest first.' }),
    z
      .strictObject({ type: z.literal('cells'), cells: z.array(z.enum(RFM_CELLS)).min(1).meta({ title: 'Cells' }) })
      .meta({ title: 'RFM cells', description: 'RFM only: one output per listed cell, everyone else → other.' }),
  ])
  .meta({ title: 'Routing' })

/** The score node's config schema. */
export const scoreConfigSchema = z
  .strictObject({
    method: z.discriminatedUnion('type', [rfmMethod, scorecardMethod, logisticMethod]).meta({ title: 'Method' }),
    tag: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .meta({ title: 'Score tag', description: 'Predictive tag the score is written to. Default rfm_score (RFM), else required.' }),
    routing: routingSchema,
  })
  .meta({ title: 'Score' })

export type ScoreConfig = z.output<typeof scoreConfigSchema>
export type ScoreMethod = ScoreConfig['method']
export type RfmMethod = Extract<ScoreMethod, { type: 'rfm' }>
export type ScorecardMethod = Extract<ScoreMethod, { type: 'scorecard' }>
export type LogisticMethod = Extract<ScoreMethod, { type: 'logistic' }>
export type Routing = ScoreConfig['routing']

/** The output customers the method could not score leave on (only declared when that can happen). */
export const UNSCORED = 'unscored'
/** The output of RFM cell routing for cells not listed. */
export const OTHER_CELLS = 'other'
/** Tags RFM writes besides the score. */
export const RFM_TAGS = [RFM_CELL_TAG, 'rfm_r', 'rfm_f', 'rfm_m'] as const
/** The score tag of an RFM node without `tag`. */
export const DEFAULT_RFM_TAG = 'rfm_score'

/** True when the method can leave a customer without a score (then the node has an `unscored` output). */
export function canLeaveUnscored(method: ScoreMethod): boolean {
  if (method.type !== 'logistic') return false
  return method.numeric.some((t) => t.missing === 'unscored') || method.categorical.some((t) => t.unknown === 'unscored')
}

/** The node's outputs for a config: derived from the routing (and `unscored` when the method can leave customers unscored). */
export function scoreOutputs(config: ScoreConfig): string[] {
  const routing = config.routing
  let outputs: string[]
  switch (routing.type) {
    case 'threshold':
      outputs = ['pass', 'fail']
      break
    case 'top-n':
    case 'top-percent':
      outputs = ['top', 'rest']
      break
    case 'bands':
      outputs = routing.bands.map((band) => band.name)
      break
    case 'cells':
      outputs = [...routing.cells, OTHER_CELLS]
      break
    default:
      routing satisfies never
      throw new Error('unknown routing')
  }
  return canLeaveUnscored(config.method) ? [...outputs, UNSCORED] : outputs
}

/** The tag the score goes to. */
export function scoreTag(config: ScoreConfig): string {
  return config.tag ?? DEFAULT_RFM_TAG
}
