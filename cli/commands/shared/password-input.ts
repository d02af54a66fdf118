/**
 * Where a new password comes from on the command line: standard input with
 * `--password-stdin` (scripts; the text up to the end, one trailing newline dropped), or a
 * prompt that does not echo when standard input is a terminal. Never an argument: arguments
 * end up in shell history and in `ps` output.
 */
import { createInterface } from 'node:readline/promises'
import { text } from 'node:stream/consumers'
import { UserError } from '../../../engine/errors.ts'

export interface PasswordInput {
  /** Everything on standard input. */
  readStdin(): Promise<string>
  /** Whether standard input is a terminal a person types at. */
  isTerminal(): boolean
  /** Asks on the terminal without echoing the answer. */
  promptHidden(question: string): Promise<string>
}

export const processPasswordInput: PasswordInput = {
  readStdin: () => text(process.stdin),
  isTerminal: () => process.stdin.isTTY === true,
  async promptHidden(question) {
    // The prompt goes to stderr, so stdout stays what the command prints.
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    // readline echoes what is typed through _writeToOutput; silence it once the question is out.
    const writer = rl as unknown as { _writeToOutput(chunk: string): void }
    const write = writer._writeToOutput.bind(rl)
    let muted = false
    writer._writeToOutput = (chunk) => {
      if (!muted) write(chunk)
    }
    try {
      const answer = rl.question(question)
      muted = true
      return await answer
    } finally {
      rl.close()
      process.stderr.write('\n')
    }
  },
}

/** The new password for `who`: from stdin with `fromStdin`, else asked twice on the terminal. */
export async function readNewPassword(input: PasswordInput, who: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const password = (await input.readStdin()).replace(/\r?\n$/, '')
    if (password === '') throw new UserError('cli.password', '--password-stdin: standard input was empty')
    return password
  }
  if (!input.isTerminal()) throw new UserError('cli.password', 'standard input is not a terminal to ask for a password: pipe it in with --password-stdin')
  const password = await input.promptHidden(`Password for ${who}: `)
  if ((await input.promptHidden('Again: ')) !== password) throw new UserError('cli.password', 'the two passwords differ; nothing was changed')
  return password
}
