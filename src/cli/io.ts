/** What the CLI writes to and reads from, passed in so commands can be tested without a terminal. */
import { ErrorCode, isSagepipeError, describeError, errorMessage } from '../errors.ts';

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

/**
 * The exit code rule (README, docs/local-runner.md): 0 success; 1 the command was understood but what it did failed
 * or what it names does not exist (a failed execution, an unknown execution or step, an invalid definition, a
 * conflict); 2 the command line itself is wrong (unknown flag, missing argument, a flag value that is malformed or
 * invalid, `--param` included); 130 stopped; 70 a bug in sagepipe.
 */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.UsageError:
    case ErrorCode.ParameterInvalid:
      return 2;
    case ErrorCode.Internal:
      return 70;
    case ErrorCode.PipelineInvalid:
    case ErrorCode.DefinitionInvalid:
    case ErrorCode.FileUnreadable:
    case ErrorCode.ReferenceUnresolved:
    case ErrorCode.ExecutionNotFound:
    case ErrorCode.ExecutionCorrupt:
    case ErrorCode.InvalidState:
    case ErrorCode.JobFailed:
    case ErrorCode.ImageUnavailable:
    case ErrorCode.S3UriInvalid:
    case ErrorCode.S3ObjectNotFound:
    case ErrorCode.ResourceNotFound:
    case ErrorCode.PathUnsafe:
    case ErrorCode.Conflict:
    case ErrorCode.S3BucketNotFound:
    case ErrorCode.StepUnsupported:
      return 1;
    default: {
      const never: never = code;
      return never;
    }
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
    return exitCodeFor(error.code);
  }
  io.err(`internal error: ${errorMessage(error)}\n`);
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err('Run with --debug for a stack trace.\n');
  return 70;
}
