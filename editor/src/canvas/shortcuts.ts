/**
 * Keyboard shortcuts, configurable: defaults below, overridden by a JSON map in localStorage
 * (`sluice.shortcuts`, e.g. `{ "delete": "x" }`), because Backspace and Meta differ across
 * keyboards and are unreliable in headless browsers.
 */
export const DEFAULT_SHORTCUTS = {
  undo: 'mod+z',
  redo: 'mod+shift+z',
  redoAlt: 'mod+y',
  delete: 'delete',
  copy: 'mod+c',
  paste: 'mod+v',
  selectAll: 'mod+a',
  add: 'a',
  connect: 'c',
  note: 'n',
  layout: 'l',
  fit: 'f',
  save: 'mod+s',
} as const

export type ShortcutAction = keyof typeof DEFAULT_SHORTCUTS

export function loadShortcuts(): Record<ShortcutAction, string> {
  try {
    const custom = JSON.parse(localStorage.getItem('sluice.shortcuts') ?? '{}') as Partial<Record<ShortcutAction, string>>
    return { ...DEFAULT_SHORTCUTS, ...custom }
  } catch {
    return { ...DEFAULT_SHORTCUTS }
  }
}

/** The chord of a key event: `mod+shift+z` (mod is Ctrl, or ⌘ on a Mac). */
export function chordOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): string {
  const parts: string[] = []
  if (event.ctrlKey || event.metaKey) parts.push('mod')
  if (event.altKey) parts.push('alt')
  if (event.shiftKey) parts.push('shift')
  parts.push(event.key.toLowerCase())
  return parts.join('+')
}

export function actionOf(chord: string, shortcuts: Record<ShortcutAction, string>): ShortcutAction | undefined {
  const key = chord === 'backspace' ? 'delete' : chord
  return (Object.keys(shortcuts) as ShortcutAction[]).find((action) => shortcuts[action] === key)
}
