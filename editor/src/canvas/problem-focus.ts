/**
 * Clicking a problem focuses its field in the config panel: a problem's path
 * (`nodes[send].config.candidates[0].body`) names the field rjsf draws with the id
 * `root_candidates_0_body`. A path to a list or an object (`…config.candidates`), or to a field
 * the form has no control of its own for, focuses the first control inside the nearest
 * enclosing field there is (a list's "add" button, say); `…config` itself, the form's first one.
 */

/** The rjsf ids to try for a problem's path, the field's own first, then each enclosing one up to the form's root. */
export function formIdsOf(path: string): string[] {
  const match = /^nodes\[[^\]]*\]\.config(.*)$/.exec(path)
  if (!match) return []
  const parts = (match[1] ?? '').split(/[.[\]]+/).filter((part) => part !== '')
  return [...parts.map((_, i) => ['root', ...parts.slice(0, parts.length - i)].join('_')), 'root']
}

const CONTROL = 'input:not([type="hidden"]), select, textarea, button'

/** Focuses the control for `path` in `nodeId`'s config panel once it is drawn (the panel follows the selection a render later). */
export function focusProblemField(nodeId: string, path: string, frames = 60): void {
  const ids = formIdsOf(path)
  if (ids.length === 0) return
  const attempt = (left: number) => {
    const panel = document.querySelector(`[data-config-for="${CSS.escape(nodeId)}"]`)
    const field = panel ? ids.map((id) => panel.querySelector(`#${CSS.escape(id)}`)).find((el) => el !== null) : undefined
    const control = field ? (field.matches(CONTROL) ? field : field.querySelector(CONTROL)) : null
    if (control instanceof HTMLElement) control.focus()
    else if (left > 0) requestAnimationFrame(() => attempt(left - 1))
  }
  requestAnimationFrame(() => attempt(frames))
}
