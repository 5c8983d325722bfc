/**
 * The project config file, `sagepipe.config.json` in the folder a command runs from: settings that belong to a
 * project rather than to one run. Keys sagepipe does not know are kept and ignored, so a newer file still loads.
 *
 * ```json
 * { "imageMap": { "sagemaker-scikit-learn": "my-sklearn:1.3", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1": "x:dev" } }
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type Issue, SagepipeError, errorMessage } from '../../src/errors.ts';

export const PROJECT_CONFIG_FILE = 'sagepipe.config.json';

export interface ProjectConfig {
  /** Where it was read from; undefined when there is none. */
  readonly file: string | undefined;
  /** Image URI or repository → local image to run instead. */
  readonly imageMap: Readonly<Record<string, string>>;
  /** The whole file, for readers of keys this module does not own. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export const EMPTY_PROJECT_CONFIG: ProjectConfig = { file: undefined, imageMap: {}, raw: {} };

/** Reads `<dir>/sagepipe.config.json`; a missing file is an empty config, a malformed one an error naming the field. */
export function readProjectConfig(dir: string): ProjectConfig {
  const file = join(dir, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_PROJECT_CONFIG;
    throw new SagepipeError(ErrorCode.FileUnreadable, `cannot read ${file}: ${errorMessage(error)}`, { path: file, cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SagepipeError(ErrorCode.FileUnreadable, `${file} is not valid JSON: ${errorMessage(error)}`, { path: file });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SagepipeError(ErrorCode.FileUnreadable, `${file} must hold a JSON object`, { path: file });
  }
  const record = raw as Record<string, unknown>;
  const issues: Issue[] = [];
  const imageMap = parseImageMap(record.imageMap, issues);
  if (issues.length > 0) throw new SagepipeError(ErrorCode.FileUnreadable, `${file} has mistakes`, { path: file, issues });
  return { file, imageMap, raw: record };
}

function parseImageMap(value: unknown, issues: Issue[]): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: 'imageMap', message: 'must be an object of "<image URI or repository>": "<local image>"' });
    return {};
  }
  const map: Record<string, string> = {};
  for (const [from, to] of Object.entries(value)) {
    if (typeof to !== 'string' || to.trim() === '') issues.push({ path: `imageMap["${from}"]`, message: 'must be a local image name (a non-empty string)' });
    else map[from] = to;
  }
  return map;
}

/** `--image-map <uri|repository>=<local image>` values, added over the config file's. */
export function parseImageMapArgs(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const from = value.slice(0, at).trim();
    const to = value.slice(at + 1).trim();
    if (at <= 0 || !from || !to) {
      throw new SagepipeError(ErrorCode.UsageError, `--image-map takes <image URI or repository>=<local image> (got '${value}')`);
    }
    map[from] = to;
  }
  return map;
}
