/**
 * The glyph drawn for each icon a node type may name (engine/sdk/types.ts NODE_ICONS). Every
 * glyph is one that Debian's DejaVu Sans or Noto CJK fonts have: ⏷, ⏱, ⑂ and ⛨ are in neither,
 * and a browser on such a machine drew an empty box in their place.
 */
import type { NodeIcon } from '../../../engine/sdk/types.ts'

export const NODE_GLYPHS: Readonly<Record<NodeIcon, string>> = {
  bolt: '⚡', calendar: '▦', clock: '◷', filter: '▽', users: '⚇', gauge: '◔', star: '★', shield: '◈', ban: '⊘',
  send: '➤', mail: '✉', phone: '☎', message: '✆', bell: '♪', inbox: '▭', split: '⋔', merge: '⋏', flag: '⚑',
  target: '◎', chart: '▤', tag: '#', gift: '❖', code: '{}',
}

/** The glyph of an icon name; an unknown one (a type from a newer server) draws a dot. */
export function glyphOf(icon: string): string {
  return (NODE_GLYPHS as Record<string, string>)[icon] ?? '●'
}
