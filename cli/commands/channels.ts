/**
 * `sluice channels list` shows the channel adapters of sluice.config.ts (secrets masked: only
 * the variable each comes from, and whether it is set) and the adapter of each channel;
 * `sluice channels test NAME [--to ADDRESS]` sends one test message through an adapter and
 * reports what it answered, exiting 1 with the adapter's error when the delivery fails.
 */
import type { Command } from 'commander'
import { channelRouterFromConfig } from '../../channels/from-config.ts'
import { sendTestMessage } from '../../channels/test-send.ts'
import { describeChannels } from '../../engine/channels/describe-config.ts'
import { UserError } from '../../engine/errors.ts'
import { CHANNELS, type Channel } from '../../engine/ports/store.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'

interface CommonFlags {
  root?: string
  json?: boolean
}

interface TestFlags extends CommonFlags {
  to?: string
  channel?: string
}

/** Registers `channels list` and `channels test`. */
export function register(program: Command): void {
  const channels = program.command('channels').description('Channel adapters of sluice.config.ts: list them, send a test message')
  channels
    .command('list')
    .description('Show the adapters (secrets masked) and which one each channel uses')
    .option('--root <dir>', 'project folder holding sluice.config.ts (default: the working directory)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: CommonFlags) => {
      const { config } = await loadProjectConfig(flags.root ?? process.cwd())
      const description = describeChannels(config.channels, process.env)
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(description, null, 2)}\n`)
        return
      }
      const lines: string[] = [description.configured ? 'Adapters:' : 'Adapters (no channels section in sluice.config.ts: every channel goes through log):']
      for (const adapter of description.adapters) {
        lines.push(`  ${adapter.name} (${adapter.kind})`)
        for (const [key, value] of Object.entries(adapter.settings)) lines.push(`    ${key}: ${value}`)
      }
      lines.push('Channels:')
      for (const channel of CHANNELS) lines.push(`  ${channel.padEnd(7)} → ${description.channels[channel] ?? '(none: sends are dead-lettered)'}`)
      process.stdout.write(`${lines.join('\n')}\n`)
    })
  channels
    .command('test')
    .description('Send one test message through an adapter and report its answer (exit 1 when it fails)')
    .argument('<name>', 'adapter name, as in sluice.config.ts channels.adapters (or log)')
    .option('--to <address>', 'recipient: e-mail address, phone number, push token… (required for smtp)')
    .option('--channel <channel>', `channel the message is on (${CHANNELS.join(', ')}); default: one the adapter serves`)
    .option('--root <dir>', 'project folder holding sluice.config.ts (default: the working directory)')
    .option('--json', 'print the outcome as JSON')
    .action(async (name: string, flags: TestFlags) => {
      if (flags.channel !== undefined && !(CHANNELS as readonly string[]).includes(flags.channel)) {
        throw new UserError('cli.channel', `--channel: expected one of ${CHANNELS.join(', ')}, got "${flags.channel}"`)
      }
      const loaded = await loadProjectConfig(flags.root ?? process.cwd())
      const section = loaded.config.channels
      if (name !== 'log' && !section?.adapters[name]) {
        throw new UserError('channels.unknown-adapter', `there is no channel adapter "${name}" in ${loaded.file ?? 'sluice.config.ts (there is none)'}; configured: ${['log', ...Object.keys(section?.adapters ?? {})].join(', ')}`)
      }
      // Only this adapter's variables need to be set.
      const configured = channelRouterFromConfig(section, process.env, { where: loaded.file ?? 'sluice.config.ts', only: name })
      try {
        const outcome = await sendTestMessage(configured, name, (n) => section?.adapters[n]?.kind ?? (n === 'log' ? 'log' : undefined), {
          ...(flags.to ? { to: flags.to } : {}), ...(flags.channel ? { channel: flags.channel as Channel } : {}), now: Date.now(),
        })
        if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`)
        if (outcome.result.status === 'failed') {
          throw new UserError('channels.test-failed', `adapter "${name}" did not deliver the test message (${outcome.channel}${outcome.to ? ` to ${outcome.to}` : ''}): ${outcome.result.error}${outcome.result.permanent ? ' (permanent: retrying will not help)' : ''}`)
        }
        if (!flags.json) process.stdout.write(`Sent a test message through ${name} (${outcome.channel}${outcome.to ? ` to ${outcome.to}` : ''}) in ${outcome.ms} ms.\n`)
      } finally {
        configured.close()
      }
    })
}
