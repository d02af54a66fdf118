/**
 * `sluice diff A B`: what changed between two versions of a flow, in terms of nodes, config
 * fields, edges and settings (layout and sticky notes ignored). Always exits 0 when both files load.
 */
import type { Command } from 'commander'
import { diffFlows, formatFlowDiff } from '../../engine/flow/diff.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'

/** Registers `diff`. */
export function register(program: Command): void {
  program
    .command('diff')
    .description('Show the semantic difference between two flow files (layout and notes ignored)')
    .argument('<a>', 'the older flow file')
    .argument('<b>', 'the newer flow file')
    .option('--json', 'print the diff as JSON')
    .action(async (a: string, b: string, flags: { json?: boolean }) => {
      // Only the shape is needed to compare; node types need not be registered.
      const [before, after] = await Promise.all([loadFlowFile(a), loadFlowFile(b)])
      const diff = diffFlows(before, after)
      if (flags.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`)
      else process.stdout.write(formatFlowDiff(diff, { a: `${a} (v${before.version})`, b: `${b} (v${after.version})` }))
    })
}
