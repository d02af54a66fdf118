/**
 * Checks of a score config beyond its schema: band order and names, bins that do not overlap,
 * cell routing only on RFM, a score tag where one is needed and never one RFM writes itself.
 */
import type { NodeIssue } from '../../engine/sdk/index.ts'
import { RFM_TAGS, UNSCORED, type ScoreConfig, type ScorecardMethod } from './config.ts'

/** Every problem of `config` beyond its schema, with the field's path. */
export function validateScoreConfig(config: ScoreConfig): NodeIssue[] {
  const issues: NodeIssue[] = []
  const { method, routing } = config
  if (method.type !== 'rfm' && config.tag === undefined) {
    issues.push({ code: 'score.tag', path: 'config.tag', message: `a ${method.type} score needs the name of the tag to write it to, e.g. "churn_probability"` })
  }
  if (method.type === 'rfm' && config.tag !== undefined && (RFM_TAGS as readonly string[]).includes(config.tag)) {
    issues.push({ code: 'score.tag', path: 'config.tag', message: `"${config.tag}" is written by RFM itself; choose another name for the score (default rfm_score)` })
  }
  if (method.type === 'scorecard') issues.push(...scorecardIssues(method))
  if (method.type === 'logistic') {
    method.categorical.forEach((term, i) => {
      if (Object.hasOwn(term.levels, term.reference)) {
        issues.push({ code: 'score.reference-level', path: `config.method.categorical[${i}].reference`, message: `the reference level "${term.reference}" must not have a coefficient in levels` })
      }
    })
  }
  if (routing.type === 'cells' && method.type !== 'rfm') {
    issues.push({ code: 'score.cells-need-rfm', path: 'config.routing.type', message: 'routing by RFM cells needs the rfm method' })
  }
  if (routing.type === 'cells') {
    routing.cells.forEach((cell, i) => {
      if (routing.cells.indexOf(cell) !== i) issues.push({ code: 'score.duplicate-cell', path: `config.routing.cells[${i}]`, message: `cell "${cell}" is listed twice` })
    })
  }
  if (routing.type === 'threshold' && method.type === 'logistic' && (routing.min < 0 || routing.min > 1)) {
    issues.push({ code: 'score.threshold-range', path: 'config.routing.min', message: `a logistic score is a probability in [0, 1]: a cut-off of ${routing.min} sends everyone the same way`, severity: 'warning' })
  }
  if (routing.type === 'bands') {
    const last = routing.bands.length - 1
    routing.bands.forEach((band, i) => {
      const path = `config.routing.bands[${i}]`
      if (band.name === UNSCORED) issues.push({ code: 'score.band-name', path: `${path}.name`, message: `"${UNSCORED}" is reserved for customers without a score` })
      if (routing.bands.findIndex((b) => b.name === band.name) !== i) issues.push({ code: 'score.band-name', path: `${path}.name`, message: `band "${band.name}" is listed twice` })
      if (i < last && band.min === undefined) issues.push({ code: 'score.band-min', path: `${path}.min`, message: 'every band but the last needs a minimum score' })
      if (i === last && band.min !== undefined) issues.push({ code: 'score.band-min', path: `${path}.min`, message: 'the last band takes everyone below the others: leave out its minimum' })
      const previous = routing.bands[i - 1]
      if (previous?.min !== undefined && band.min !== undefined && band.min >= previous.min) {
        issues.push({ code: 'score.band-order', path: `${path}.min`, message: `bands go from the highest minimum down: ${band.min} is not below ${previous.min}` })
      }
    })
  }
  return issues
}

function scorecardIssues(method: ScorecardMethod): NodeIssue[] {
  const issues: NodeIssue[] = []
  method.features.forEach((feature, i) => {
    const path = `config.method.features[${i}]`
    if ((feature.bins === undefined) === (feature.categories === undefined)) {
      issues.push({ code: 'score.feature-kind', path, message: `give exactly one of "bins" (numbers) or "categories" for ${feature.attribute}` })
    }
    const bins = (feature.bins ?? []).map((bin, j) => ({ ...bin, j, lo: bin.from ?? -Infinity, hi: bin.to ?? Infinity }))
    for (const bin of bins) {
      if (bin.lo >= bin.hi) issues.push({ code: 'score.bin-range', path: `${path}.bins[${bin.j}]`, message: `from (${bin.from}) must be below to (${bin.to})` })
    }
    const sorted = [...bins].sort((a, b) => a.lo - b.lo)
    for (let k = 1; k < sorted.length; k++) {
      const before = sorted[k - 1] as (typeof sorted)[number]
      const bin = sorted[k] as (typeof sorted)[number]
      if (bin.lo < before.hi) issues.push({ code: 'score.bin-overlap', path: `${path}.bins[${bin.j}]`, message: `overlaps bins[${before.j}]: a value would fall in both` })
    }
    const seen = new Map<string, number>()
    ;(feature.categories ?? []).forEach((category, j) => {
      for (const value of category.values) {
        const key = JSON.stringify(value)
        const other = seen.get(key)
        if (other !== undefined && other !== j) issues.push({ code: 'score.category-overlap', path: `${path}.categories[${j}].values`, message: `${key} is already in categories[${other}]` })
        seen.set(key, j)
      }
    })
  })
  return issues
}
