/**
 * Segments: the condition-tree format (zod schema, browser-safe), its validation against the
 * attribute catalogue, ISO date handling, relative times and descriptions in words. The SQL
 * compiler is in store/segment; the format is documented in docs/segments.md.
 *
 * @example
 * ```ts
 * import { parseSegment, describeSegment } from '../engine/segment/index.ts'
 *
 * const segment = parseSegment({
 *   type: 'all',
 *   conditions: [
 *     { type: 'attribute', name: 'tenure', op: 'gte', value: 12 },
 *     { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 3 } },
 *   ],
 * })
 * describeSegment(segment) // 'tenure ≥ 12 and at least 3 purchase events in the last 90 days'
 * ```
 */
export * from './schema.ts'
export { validateSegment, parseSegment, walkSegment } from './validate-segment.ts'
export type { SegmentValidation, ValidateSegmentOptions } from './validate-segment.ts'
export { describeSegment, describeComparison } from './describe-segment.ts'
export { TIME_UNITS, durationAfter, durationBefore, describeDuration } from './durations.ts'
export type { Duration, TimeUnit } from './durations.ts'
export { parseIsoTime, isoTimeToEpochMs, formatEpochMs, ISO_TIME_PATTERN_SOURCE } from './iso-time.ts'
export type { IsoTime } from './iso-time.ts'
export { dateRange, eventWindow, MIN_TIME, MAX_TIME } from './date-range.ts'
export type { TimeRange } from './date-range.ts'
