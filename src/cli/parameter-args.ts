/** `--param Name=Value` pairs, the CLI's business (the engine takes values by name). */
import { ErrorCode, SagepipeError } from '../errors.ts';

/** Parses `Name=Value` command-line pairs. */
export function parseParameterArgs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new SagepipeError(ErrorCode.UsageError, `--param expects Name=Value, got '${pair}'`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}
