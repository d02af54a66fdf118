/** Every command of the CLI, in help order. A new command is one file and one line here. */
import type { Command } from 'commander'

export type RegisterCommand = (program: Command) => void

export const commands: RegisterCommand[] = []
