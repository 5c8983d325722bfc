/**
 * The reason a failed job gives its user: the message the job wrote to /opt/ml/output/failure (SageMaker's contract),
 * else the first error line it printed on stderr, else its last lines — each cut to a readable length, never a whole
 * minified bundle line — with the exit code and where the full log is.
 */
import { ContainerPaths, underRoot } from '../containers/contract/paths.ts';
import { readConfinedFile } from '../src/util/confine.ts';

/** A line in a reason is cut to this many characters. */
const MAX_REASON_LINE = 400;
/** An error line as Node and Python print them: `TypeError: …`, `Error [ERR_X]: …`, `ValueError: …`, `error: …`. */
const ERROR_LINE = /^(Uncaught )?((?:[A-Za-z_$][\w$.]*)?(Error|Exception)|error|fatal)( \[[A-Z0-9_]+\])?: \S/;
const STACK_FRAME = /^\s+at\s|^\s*File "|^\s*\^+\s*$|^node:internal|^file:\/\/|^\s*$|^Node\.js v\d/;
/** A stack frame in the user's own code: `at fn (/path/x.ts:12:5)` or `at /path/x.ts:12:5`. */
const USER_FRAME = /^\s+at (?:.*? \()?((?:file:\/\/)?[^\s()]+?:\d+:\d+)\)?$/;

export const cut = (line: string, max = MAX_REASON_LINE): string => (line.length > max ? `${line.slice(0, max)}… (${line.length - max} more characters)` : line);

/** Keeps what a failure reason needs from a job's output, in constant memory. */
export class OutputDigest {
  private firstError: string | undefined;
  private where: string | undefined;
  private readonly last: string[] = [];

  feed(line: string, stream: 'stdout' | 'stderr'): void {
    if (stream === 'stderr' && this.firstError === undefined && ERROR_LINE.test(line)) this.firstError = cut(line.trim());
    else if (stream === 'stderr' && this.firstError !== undefined && this.where === undefined) {
      const frame = USER_FRAME.exec(line)?.[1];
      if (frame && !/node:internal|node_modules|^node:/.test(frame)) this.where = frame.replace(/^file:\/\//, '');
    }
    if (STACK_FRAME.test(line)) return;
    this.last.push(cut(line));
    if (this.last.length > 3) this.last.shift();
  }

  /** The most telling output: the first error line, else the last lines. */
  summary(): { readonly kind: 'error' | 'last'; readonly text: string } {
    if (this.firstError !== undefined) return { kind: 'error', text: `${this.firstError}${this.where ? ` (at ${this.where})` : ''}` };
    return { kind: 'last', text: cut(this.last.join(' | '), 600) };
  }
}

/** What a failed container says about why, read without following links out of its folder. */
export async function jobFailureReason(root: string, exitCode: number, digest: OutputDigest, logHint: string): Promise<{ reason: string; fromFailureFile: boolean }> {
  let written: string | undefined;
  try {
    written = (await readConfinedFile(root, underRoot(root, ContainerPaths.failure), ContainerPaths.failure, 16 * 1024))?.trim();
  } catch (error) {
    written = `(${(error as Error).message})`;
  }
  if (written) {
    const firstLines = written.split('\n').slice(0, 5).map((l) => cut(l)).join(' | ');
    return { reason: `${firstLines} (exit code ${exitCode}; ${logHint})`, fromFailureFile: true };
  }
  const summary = digest.summary();
  if (summary.kind === 'error') return { reason: `AlgorithmError: ${summary.text} (exit code ${exitCode}; ${logHint})`, fromFailureFile: false };
  return { reason: `AlgorithmError: the container exited with code ${exitCode}${summary.text ? `; last output: ${summary.text}` : ''} (${logHint})`, fromFailureFile: false };
}
