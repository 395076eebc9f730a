/** What a CLI command touches of the outside world; tests give their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves with the name of the first SIGINT or SIGTERM; a second one exits at once. */
  waitForShutdownSignal(): Promise<NodeJS.Signals>;
  /** The exit code a command sets. */
  exitCode: number;
}

/** The process's own streams and signals. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    exitCode: 0,
    waitForShutdownSignal: () =>
      new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
          process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
          resolve(signal);
        };
        process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      }),
  };
}
