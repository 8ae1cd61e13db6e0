/**
 * What a CLI command may touch. Only bin/outpost.ts builds this from the real process; commands and tests
 * receive it, so nothing else reads argv/env or calls exit.
 */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** Standard input (commands that read a secret, e.g. `outpost user hash`); absent in most tests. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  /** Registers a handler for SIGTERM/SIGINT; long-running commands resolve their exit code after it ran. */
  onShutdownSignal(handler: (signal: string) => void): void;
  /** Registers a handler for SIGHUP (config reload); absent where there is no such signal. */
  onReloadSignal?(handler: () => void): void;
}

/** A command's failure with a one-line reason; the bin prints it and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
