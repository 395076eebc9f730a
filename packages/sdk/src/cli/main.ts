import { Command, CommanderError } from 'commander';
import { hangarVersion } from '@hangar/core';
import { type CliIo, processIo } from './cli-io.js';
import { serverCommand } from './server-command.js';
import { provisionerdCommand } from './provisionerd-command.js';

/** Builds the `hangar` command tree. */
export function createCli(io: CliIo): Command {
  const program = new Command('hangar')
    .description('Hangar: self-hosted remote development environments.')
    .version(hangarVersion)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(serverCommand(io));
  program.addCommand(provisionerdCommand(io));
  return program;
}

/**
 * Runs the `hangar` CLI with `argv` (as `process.argv`) and resolves with the exit code:
 * 0 on success, 1 when a command fails, 2 for a usage error (bad flag or value).
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = createCli(io);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync(argv);
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}
