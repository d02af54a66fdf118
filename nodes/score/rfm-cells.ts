/**
 * Named RFM cells from the three 1–5 scores. The cell is read off a 5 × 5 grid of R against
 * FM = ⌈(F + M) / 2⌉ (frequency and monetary value move together for most customers, so their
 * rounded-up mean is the "value" axis). Every (R, FM) pair has exactly one cell:
 *
 * | cell                  | R     | FM    |
 * |-----------------------|-------|-------|
 * | champions             | 5     | 4–5   |
 * | loyal                 | 3–4   | 4–5   |
 * | potential-loyalists   | 4–5   | 2–3   |
 * | new-customers         | 5     | 1     |
 * | promising             | 4     | 1     |
 * | need-attention        | 3     | 3     |
 * | about-to-sleep        | 3     | 1–2   |
 * | at-risk               | 1–2   | 3–4   |
 * | cant-lose-them        | 1–2   | 5     |
 * | hibernating           | 2     | 1–2   |
 * | lost                  | 1     | 1–2   |
 */
import type { RfmCell } from '../../engine/sdk/index.ts'

/** The value axis of the grid: the mean of F and M, rounded up. */
export function fmScore(f: number, m: number): number {
  return Math.ceil((f + m) / 2)
}

/** The named cell of scores r, f, m (each 1–5). */
export function rfmCell(r: number, f: number, m: number): RfmCell {
  const fm = fmScore(f, m)
  if (r >= 4 && fm >= 4) return r === 5 ? 'champions' : 'loyal'
  if (r === 3 && fm >= 4) return 'loyal'
  if (r >= 4 && fm >= 2) return 'potential-loyalists'
  if (r >= 4) return r === 5 ? 'new-customers' : 'promising'
  if (r === 3) return fm === 3 ? 'need-attention' : 'about-to-sleep'
  if (fm === 5) return 'cant-lose-them'
  if (fm >= 3) return 'at-risk'
  return r === 2 ? 'hibernating' : 'lost'
}
