import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configJsonSchema } from '../../../engine/sdk/config-json-schema.ts'
import { segmentSchema } from '../../../engine/segment/schema.ts'
import filterSegment from '../../../nodes/filter-segment/index.ts'
import trigger from '../../../nodes/trigger/index.ts'
import wait from '../../../nodes/wait/index.ts'
import { segmentForm } from './segment-ui-schema.ts'

const SEGMENT = { 'ui:field': 'segment', 'ui:fieldReplacesAnyOrOneOf': true }
type Schema = { properties: Record<string, Schema & Record<string, unknown>> }

describe('segment fields found from the node JSON Schema', () => {
  it('puts the builder on filter-segment.segment and on every trigger audience segment, however deep', () => {
    const filter = segmentForm(configJsonSchema(filterSegment.config))
    expect(filter.uiSchema).toEqual({ segment: SEGMENT })
    // rjsf sees the segment as opaque: words and the mark, no oneOf to pick from or fill with defaults.
    expect((filter.schema as Schema).properties.segment).toEqual({ 'x-sluice-widget': 'segment', title: 'Segment', description: 'The condition tree; docs/segments.md lists every condition and operator.' })
    const start = segmentForm(configJsonSchema(trigger.config))
    expect(start.uiSchema).toEqual({ schedule: { audience: { segment: SEGMENT } }, audience: { segment: SEGMENT } })
    const schedule = (start.schema as Schema).properties.schedule!
    expect(schedule.properties.audience!.properties.segment).toMatchObject({ 'x-sluice-widget': 'segment', title: 'Segment' })
    // The other fields are left as they were.
    expect(schedule.properties.cron).toEqual((configJsonSchema(trigger.config) as unknown as Schema).properties.schedule!.properties.cron)
  })

  it('leaves a config without segments as it is', () => {
    const schema = configJsonSchema(wait.config)
    expect(segmentForm(schema)).toEqual({ schema, uiSchema: {} })
    expect(segmentForm(schema).schema).toBe(schema)
  })

  it('serves a custom node type that uses the segment schema, in an object or a list, with no editor code', () => {
    const custom = z.strictObject({
      name: z.string(),
      rules: z.array(z.strictObject({ label: z.string(), who: segmentSchema })),
      exclude: segmentSchema.optional().meta({ title: 'Exclude' }),
    })
    expect(segmentForm(configJsonSchema(custom)).uiSchema).toEqual({ rules: { items: { who: SEGMENT } }, exclude: SEGMENT })
  })
})
