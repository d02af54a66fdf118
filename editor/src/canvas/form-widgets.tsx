/**
 * rjsf's defaults made accessible for the config forms. The choice between a field's anyOf /
 * oneOf alternatives (quiet hours "none" or a window, say) is a select rjsf renders with no
 * label element, so screen readers announce it nameless (axe: select-name); it gets the field's
 * title as a visually hidden label. Every other select keeps its field template's label. rjsf's
 * own words (its buttons' names, "Option 1") come from i18next (form-messages.ts).
 */
import { getDefaultRegistry } from '@rjsf/core'
import { englishStringTranslator, TranslatableString, type Widget, type WidgetProps } from '@rjsf/utils'
import i18next from 'i18next'

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

/** rjsf's TranslatableString value → its key (the enum's values are the English strings). */
const KEYS = new Map<string, string>(Object.entries(TranslatableString).map(([key, value]) => [value, key]))

/** rjsf's translateString: the editor's language where form-messages.ts has the string, else rjsf's English. */
export function translateFormString(str: TranslatableString, params?: string[]): string {
  const key = KEYS.get(str)
  const found = key ? `form.${key}` : undefined
  if (!found || !i18next.exists(found)) return englishStringTranslator(str, params)
  return i18next.t(found, Object.fromEntries((params ?? []).map((p, i) => [`p${i + 1}`, p])))
}
