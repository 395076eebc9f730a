import { Command, Option } from 'commander';
import { connectExternalDaemon, createLogger, createProvisionerRegistry, isHangarError, type LogLevel, logLevels } from '@hangar/core';
import { echoProvisioner } from '@hangar/core/testing';
import { createTerraformProvisioner } from '@hangar/provisioner-terraform';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './cli-io.js';

/** Flags of `hangar provisionerd start` once parsed. */
interface StartFlags {
  url: string;
  key: string;
  name?: string;
  logLevel: LogLevel;
  echoProvisioner?: boolean;
  provisioners: string;
}

/**
 * `hangar provisionerd start`: an external provisioner daemon. It connects to the server over
 * one WebSocket with a provisioner key and runs jobs that carry the key's tags. The first
 * SIGINT or SIGTERM lets the current job finish; a second cancels it; a third exits at once.
 */
export function provisionerdCommand(io: CliIo): Command {
  const start = new Command('start')
    .description('Run a provisioner daemon that takes jobs from a Hangar server.')
    .addOption(new Option('--url <url>', 'the Hangar server URL').env('HANGAR_URL').makeOptionMandatory())
    .addOption(new Option('--key <key>', 'a provisioner key of the organization to serve').env('HANGAR_PROVISIONER_KEY').makeOptionMandatory())
    .addOption(new Option('--name <name>', 'the daemon name (default: the host name)').env('HANGAR_PROVISIONER_DAEMON_NAME'))
    .addOption(new Option('--log-level <level>', 'log level').env('HANGAR_LOG_LEVEL').default('warn').choices(logLevels as string[]))
    // For tests: the scripted echo provisioner, never shown in help.
    .addOption(new Option('--provisioners <names>', 'comma-separated provisioners to offer').env('HANGAR_PROVISIONERS').default('terraform'))
    .addOption(new Option('--echo-provisioner').hideHelp())
    .action(async (flags: StartFlags) => {
      io.exitCode = await runDaemon(flags, io);
    });
  const group = new Command('provisionerd').description('Run external provisioner daemons.').addCommand(start);
  for (const command of [group, start]) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return group;
}

async function runDaemon(flags: StartFlags, io: CliIo): Promise<number> {
  try {
    new URL(flags.url);
  } catch {
    io.stderr(`error: --url "${flags.url}" is not a URL\n`);
    return 2;
  }
  const registry = createProvisionerRegistry();
  for (const name of flags.provisioners.split(',').map((n) => n.trim()).filter(Boolean)) {
    if (name !== 'terraform') {
      io.stderr(`error: --provisioners: unknown provisioner "${name}" (this build offers: terraform)\n`);
      return 2;
    }
    registry.register('terraform', createTerraformProvisioner({ pluginCacheDir: join(homedir(), '.cache', 'hangar', 'terraform-plugins') }));
  }
  if (flags.echoProvisioner) registry.register('echo', echoProvisioner(), { hidden: true });
  if (!registry.names().length) {
    io.stderr('error: this build of hangar has no provisioner to offer; install a provisioner plugin\n');
    return 1;
  }
  const daemon = connectExternalDaemon({
    url: flags.url,
    key: flags.key,
    ...(flags.name ? { name: flags.name } : {}),
    provisioners: registry,
    logger: createLogger(flags.logLevel),
  });
  const signals = watchSignals(io, daemon);
  try {
    const welcome = await daemon.connected;
    const tags = Object.entries(welcome.tags).map(([k, v]) => `${k}=${v}`).join(' ');
    io.stdout(`Provisioner daemon ${welcome.name} connected to ${flags.url} (provisioners: ${registry.names().join(', ')}; tags: ${tags || 'none'})\n`);
    await daemon.done;
    io.stdout('Stopped.\n');
    return 0;
  } catch (error) {
    io.stderr(`error: ${isHangarError(error) ? `${error.message}${error.detail ? ` (${error.detail})` : ''}` : (error as Error)?.message}\n`);
    return 1;
  } finally {
    signals();
  }
}

/** First signal: finish the job and stop; second: cancel it; third: exit now. Returns a function that stops watching. */
function watchSignals(io: CliIo, daemon: ReturnType<typeof connectExternalDaemon>): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      io.stdout(`Received ${signal}; finishing the current job, then stopping (send it again to cancel the job)…\n`);
      void daemon.stop();
    } else if (count === 2) {
      io.stdout(`Received ${signal} again; canceling the current job…\n`);
      daemon.cancelCurrent();
    } else {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  return () => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
}
