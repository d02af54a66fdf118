/**
 * Runs one CLI command in-process with its output captured, for fast command tests. The exit
 * code mapping itself (main.ts) is covered by child-process tests.
 */
import { Command } from 'commander'
import type { RegisterCommand } from './commands/index.ts'

/** What a command printed, and what it threw (main.ts turns a UserError into exit 1). */
export interface CommandRun {
  stdout: string
  error?: unknown
}

/** Parses `args` (without the program name) with only `register`'s command on the program. */
export async function runCommand(register: RegisterCommand, args: string[]): Promise<CommandRun> {
  const program = new Command('sluice').exitOverride()
  register(program)
  let stdout = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }) as typeof process.stdout.write
  try {
    await program.parseAsync(args, { from: 'user' })
    return { stdout }
  } catch (error) {
    return { stdout, error }
  } finally {
    process.stdout.write = write
  }
}
