/**
 * rjsf's defaults made accessible for the config forms. The choice between a field's anyOf /
 * oneOf alternatives (quiet hours "none" or a window, say) is a select rjsf renders with no
 * label element, so screen readers announce it nameless (axe: select-name); it gets the field's
 * title as a visually hidden label. Every other select keeps its field template's label.
 */
import { getDefaultRegistry } from '@rjsf/core'
import type { Widget, WidgetProps } from '@rjsf/utils'

const CoreSelect = getDefaultRegistry().widgets.SelectWidget as Widget

/** Ids rjsf gives the alternative pickers of anyOf / oneOf fields. */
const ALTERNATIVES = /__(any|one)of_select$/

export function SelectWidget(props: WidgetProps) {
  if (!ALTERNATIVES.test(props.id)) return <CoreSelect {...props} />
  return (
    <>
      <label htmlFor={props.id} className="visually-hidden">{props.label || props.name}</label>
      <CoreSelect {...props} />
    </>
  )
}

export const WIDGETS = { SelectWidget }
