/**
 * The `sluice` command line. Each command lives in cli/commands/<name>.ts and exports
 * `register(program)`; this file only assembles them and maps errors to exit codes:
 * 0 success, 1 user error (one clear paragraph, no stack trace), 2 internal error.
 */
import { Command, CommanderError } from 'commander'
import { isUserError } from '../engine/errors.ts'
import { commands } from './commands/index.ts'

const program = new Command('sluice')
  .description('Sluice: campaign orchestration over your customer store.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()

for (const register of commands) register(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  process.exitCode = exitCodeFor(error)
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed usage problems; help and version exit cleanly.
    return error.exitCode === 0 ? 0 : 1
  }
  if (isUserError(error)) {
    process.stderr.write(`error: ${error.message}\n`)
    return 1
  }
  process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`)
  if (process.env.SLUICE_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`)
  else process.stderr.write('(set SLUICE_DEBUG=1 for the stack trace, and please report it)\n')
  return 2
}
