/**
 * The flow file format (`flows/<slug>.flow.json`) as a zod schema. Browser-safe: the editor
 * shares it. `schema/flow.schema.json` is generated from it (see json-schema.ts); node configs
 * are checked separately against each node type's declaration by the verifier.
 */
import { z } from 'zod'

/** Node ids: letters, digits, `-` and `_`, starting with a letter or digit, so `nodes[<id>]` paths stay unambiguous. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
/** Flow ids: kebab-case slugs, matching the file name `flows/<id>.flow.json`. */
export const FLOW_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/

const nodeId = z.string().regex(NODE_ID_PATTERN, 'expected letters, digits, "-" or "_", starting with a letter or digit').max(64).meta({ title: 'Node id', description: 'Stable id; edges, layout and journals refer to it.' })

export const flowNodeSchema = z.strictObject({
  id: nodeId,
  type: z.string().min(1).meta({ title: 'Node type', description: 'A registered node type, e.g. "throttle".' }),
  version: z.number().int().min(1).optional().meta({ title: 'Type version', description: 'Pins a version of the node type; omitted means the latest.' }),
  title: z.string().min(1).optional().meta({ title: 'Title', description: 'Shown on the canvas instead of the type title.' }),
  config: z.record(z.string(), z.unknown()).meta({ title: 'Config', description: 'Checked against the node type\'s config schema.' }),
})

export const flowEdgeSchema = z.strictObject({
  from: nodeId.meta({ title: 'From node' }),
  output: z.string().min(1).meta({ title: 'Output', description: 'A named output of the source node.' }),
  to: nodeId.meta({ title: 'To node' }),
})

export const entryPolicySchema = z
  .discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('once') }).meta({ description: 'A customer enters this flow at most once, ever.' }),
    z.strictObject({ policy: z.literal('again-after'), days: z.number().int().min(1) }).meta({ description: 'A customer may enter again once `days` have passed since their last entry.' }),
    z.strictObject({ policy: z.literal('always') }).meta({ description: 'A customer may enter every time the trigger fires (while not already in the flow).' }),
  ])
  .meta({ title: 'Entry policy' })

/** Equality conditions on event properties: `{ "channel": "app", "amount": 10 }`. */
export const propertyMatchSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))

export const flowSettingsSchema = z.strictObject({
  priority: z.number().int().meta({ title: 'Priority', description: 'Higher wins when several flows want the same customer.' }),
  entry: entryPolicySchema,
  holdout: z
    .strictObject({ percent: z.number().min(0).max(100).meta({ title: 'Percent held out' }) })
    .meta({ title: 'Holdout', description: 'Share of entering customers kept out as a control group, for uplift.' }),
  goal: z
    .strictObject({
      event: z.string().min(1).meta({ title: 'Goal event' }),
      where: propertyMatchSchema.optional().meta({ title: 'Property conditions' }),
      withinDays: z.number().int().min(1).meta({ title: 'Within days' }),
    })
    .optional()
    .meta({ title: 'Goal', description: 'The conversion the flow is measured on.' }),
})

export const flowLayoutSchema = z
  .record(z.string(), z.strictObject({
    x: z.number(),
    y: z.number(),
    pinned: z.boolean().optional().meta({ title: 'Pinned', description: 'Auto-layout never moves a pinned node.' }),
  }))
  .meta({ title: 'Layout', description: 'Canvas positions by node id, kept apart from the logic.' })

/** A sticky note on the canvas; its id is like a node id, unique among the flow's notes. */
export const noteSchema = z
  .strictObject({
    id: z.string().regex(NODE_ID_PATTERN, 'expected letters, digits, "-" or "_", starting with a letter or digit').max(64).meta({ title: 'Note id' }),
    text: z.string().max(5_000).meta({ title: 'Text' }),
    x: z.number(),
    y: z.number(),
    width: z.number().min(80).max(2_000).optional().meta({ title: 'Width', description: 'Canvas pixels; default 200.' }),
    height: z.number().min(40).max(2_000).optional().meta({ title: 'Height', description: 'Canvas pixels; default: fits the text.' }),
    color: z.enum(['yellow', 'blue', 'green', 'pink']).optional().meta({ title: 'Colour', description: 'Default yellow.' }),
  })
  .meta({ title: 'Sticky note' })

export const flowNotesSchema = z
  .array(noteSchema)
  .superRefine((notes, ctx) => {
    const seen = new Set<string>()
    notes.forEach((note, i) => {
      if (seen.has(note.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `note id "${note.id}" is used by an earlier note; note ids must be unique` })
      seen.add(note.id)
    })
  })
  .meta({ title: 'Notes', description: 'Sticky notes on the canvas: view state like the layout, never part of the logic, a version or a diff.' })

export const flowSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(FLOW_ID_PATTERN, 'expected a kebab-case slug (lowercase letters, digits and "-"), like the file name').max(100).meta({ title: 'Flow id' }),
    name: z.string().min(1).meta({ title: 'Name' }),
    description: z.string().optional().meta({ title: 'Description' }),
    version: z.number().int().min(1).meta({ title: 'Version', description: 'Bumped on every published change; every run records it.' }),
    nodes: z.array(flowNodeSchema).meta({ title: 'Nodes' }),
    edges: z.array(flowEdgeSchema).meta({ title: 'Edges' }),
    settings: flowSettingsSchema,
    layout: flowLayoutSchema.default({}),
    notes: flowNotesSchema.optional(),
  })
  .meta({ title: 'Sluice flow', description: 'A campaign flow: nodes, the edges between their named outputs, settings and canvas layout.' })

export type Flow = z.output<typeof flowSchema>
export type FlowInput = z.input<typeof flowSchema>
export type FlowNode = z.output<typeof flowNodeSchema>
export type FlowNote = z.output<typeof noteSchema>
export type FlowEdge = z.output<typeof flowEdgeSchema>
export type FlowSettings = z.output<typeof flowSettingsSchema>
export type EntryPolicy = z.output<typeof entryPolicySchema>

/** The `$schema` reference each flow file in `flows/` carries. */
export const FLOW_SCHEMA_REF = '../schema/flow.schema.json'
