/** Every command of the CLI, in help order. A new command is one file and one line here. */
import type { Command } from 'commander'
import { register as registerBench } from './bench.ts'
import { register as registerChannels } from './channels.ts'
import { register as registerDb } from './db.ts'
import { register as registerDiff } from './diff.ts'
import { register as registerDemo } from './demo.ts'
import { register as registerForecast } from './forecast.ts'
import { register as registerGenerate } from './generate.ts'
import { register as registerImport } from './import.ts'
import { register as registerNodes } from './nodes.ts'
import { register as registerPublish } from './publish.ts'
import { register as registerReplay } from './replay.ts'
import { register as registerRun } from './run.ts'
import { register as registerRuns } from './runs.ts'
import { register as registerSegment } from './segment.ts'
import { register as registerServe } from './serve.ts'
import { register as registerTokens } from './tokens.ts'
import { register as registerUsers } from './users.ts'
import { register as registerValidate } from './validate.ts'
import { register as registerWhy } from './why.ts'

export type RegisterCommand = (program: Command) => void

export const commands: RegisterCommand[] = [
  registerServe,
  registerDb,
  registerImport,
  registerDemo,
  registerGenerate,
  registerValidate,
  registerRun,
  registerForecast,
  registerPublish,
  registerRuns,
  registerWhy,
  registerReplay,
  registerDiff,
  registerNodes,
  registerChannels,
  registerSegment,
  registerUsers,
  registerTokens,
  registerBench,
]
