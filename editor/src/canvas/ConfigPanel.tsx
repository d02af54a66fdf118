/**
 * The settings of the selected step, generated from its node type's JSON Schema with
 * react-jsonschema-form: a custom node type gets its form with no editor code, segment fields
 * included (the segment builder, chosen by the schema's `x-sluice-widget`). Problems the
 * server found for the node are listed above the form with their field paths.
 */
import Form from '@rjsf/core'
import type { RJSFSchema } from '@rjsf/utils'
import validator from '@rjsf/validator-ajv8'
import { useTranslation } from 'react-i18next'
import type { FlowIssue, NodeType } from '../api.ts'
import type { FlowNode } from './flow-model.ts'
import { translateFormString, WIDGETS } from './form-widgets.tsx'
import './config-form.css'
import { SegmentField } from '../segments/SegmentField.tsx'
import { SEGMENT_WIDGET, segmentForm } from '../segments/segment-ui-schema.ts'

/** Custom rjsf fields the node types' schemas ask for (segment-ui-schema.ts). */
const FIELDS = { [SEGMENT_WIDGET]: SegmentField }

/**
 * rjsf fills defaults into the form data, and the first edit hands them on: every optional
 * branch of a trigger (`schedule: { timeZone: 'UTC', audience: {} }` beside its audience) and a
 * `[null]` for each array with a minimum (`customers: [null]`), which the server refuses. The
 * config keeps what the user set; the node's schema applies its defaults when it is read.
 */
const FORM_DEFAULTS = { arrayMinItems: { populate: 'never' }, emptyObjectFields: 'skipDefaults' } as const

export interface ConfigPanelProps {
  node: FlowNode | undefined
  nodeType: NodeType | undefined
  problems: FlowIssue[]
  readOnly: boolean
  pinned: boolean
  onConfig(config: Record<string, unknown>): void
  onTitle(title: string): void
  onPin(pinned: boolean): void
}

export function ConfigPanel({ node, nodeType, problems, readOnly, pinned, onConfig, onTitle, onPin }: ConfigPanelProps) {
  const { t, i18n } = useTranslation()
  if (!node) return <aside className="config-panel empty-state">{t('editor.selectNode')}</aside>
  const own = problems.filter((p) => p.nodeId === node.id)
  const form = nodeType ? segmentForm(nodeType.configSchema) : null
  return (
    <aside className="config-panel" data-config-for={node.id}>
      <h2>{nodeType?.title ?? node.type} <code>{node.id}</code></h2>
      <p className="muted">{nodeType?.description}</p>
      <label className="field">
        {t('editor.title')}
        <input value={node.title ?? ''} readOnly={readOnly} placeholder={nodeType?.title} onChange={(e) => onTitle(e.target.value)} />
      </label>
      <label className="field inline">
        <input type="checkbox" checked={pinned} disabled={readOnly} onChange={(e) => onPin(e.target.checked)} /> {t('editor.pin')}
      </label>
      {own.length > 0 && (
        <ul className="problems inline">
          {own.map((p) => <li key={`${p.path}:${p.message}`} className={p.severity} data-problem-path={p.path}><code>{p.path}</code> {p.message}</li>)}
        </ul>
      )}
      {form && (
        <Form
          // Anew per language too: rjsf's buttons are memoised on their props and would keep their words.
          key={`${node.id}:${i18n.language}`}
          schema={form.schema as RJSFSchema}
          formData={node.config}
          validator={validator}
          disabled={readOnly}
          liveValidate={false}
          showErrorList={false}
          fields={FIELDS}
          widgets={WIDGETS}
          translateString={translateFormString}
          experimental_defaultFormStateBehavior={FORM_DEFAULTS}
          uiSchema={{ ...form.uiSchema, 'ui:submitButtonOptions': { norender: true } }}
          // rjsf also reports a change when it mounts and fills defaults (no field id): selecting
          // a step is not an edit, so only a user's change to a field becomes one.
          onChange={(e, fieldId) => { if (fieldId !== undefined) onConfig((e.formData ?? {}) as Record<string, unknown>) }}
        />
      )}
    </aside>
  )
}
