/** Whole-number options (`--customers`, `--port`, ...), checked on the text the user typed. */
import { UserError } from '../../../engine/errors.ts'

/**
 * Parses `text` as a whole number in [min, max]. Only plain digits are accepted (`Number()` would
 * take "1e3", "0x10" and "" too), and the error quotes the text as given: converting first
 * would report `-5` as NaN.
 */
export function parseWholeNumber(option: string, text: string, min: number, max: number): number {
  const trimmed = text.trim()
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError('cli.number', `${option}: expected a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${text}"`)
  }
  return value
}
