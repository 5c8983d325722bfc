/** What the CLI writes to and reads from, passed in so commands can be tested without a terminal. */
import { isSagepipeError, describeError, errorMessage } from '../errors.ts';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (live display with redraws) or not (one line per event). */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: Boolean(process.stderr.isTTY) && process.env.CI === undefined,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Thrown by commands to end with an exit code after they printed what they had to say. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Prints an error the way users should see it: user mistakes as plain lines, stack traces only with --debug. */
export function reportError(io: CliIO, error: unknown, debug: boolean): number {
  if (error instanceof ExitCode) return error.code;
  if (isSagepipeError(error)) {
    const lines = describeError(error);
    io.err(`error: ${lines.join('\n')}\n`);
    if (error.fault === 'sagepipe') io.err('This is a bug in sagepipe; run with --debug for details.\n');
    if (debug && error.stack) io.err(`${error.stack}\n`);
    return error.code === 'USAGE_ERROR' ? 2 : 1;
  }
  io.err(`internal error: ${errorMessage(error)}\n`);
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err('Run with --debug for a stack trace.\n');
  return 70;
}
