/**
 * The local runner's part of the check before an execution starts, from the definition alone:
 * - every job image named literally must resolve to a local image (sagepipe's, a catalogue stand-in, or one named as
 *   it is): an AWS image nothing stands in for is reported with its step;
 * - every `s3://` location a job reads literally (code, data, a script-mode source archive) must be in the local S3,
 *   unless a step of the pipeline writes below it: a script not yet copied is reported with the command that puts it
 *   there, rather than failing a step after the ones before it ran.
 * Values given by a parameter or a property are known only when the job starts, and are checked then.
 */
import type { LoadedDefinition } from '../src/definition/loader.ts';
import type { Json, JsonObject } from '../src/definition/types.ts';
import { type Issue, errorMessage } from '../src/errors.ts';
import type { ImagePurpose } from './images/catalogue.ts';
import { FrameworkHyperparameter } from '../containers/contract/environment.ts';

/** Where each runnable step type names the image its job runs. */
const IMAGE_FIELDS: Readonly<Record<string, { readonly purpose: Exclude<ImagePurpose, 'inference'>; readonly path: readonly string[] }>> = {
  Processing: { purpose: 'processing', path: ['AppSpecification', 'ImageUri'] },
  Training: { purpose: 'training', path: ['AlgorithmSpecification', 'TrainingImage'] },
};

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

/**
 * One issue per step (of `steps`, default all) whose literal image `resolve` rejects (it throws with the reason);
 * `resolve` also gets the step's arguments (whether it runs a user's script decides what the image needs).
 */
export async function imageIssues(
  loaded: LoadedDefinition,
  resolve: (uri: string, purpose: ImagePurpose, args: JsonObject) => Promise<unknown>,
  steps?: ReadonlySet<string>,
): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const name of loaded.graph.order) {
    if (steps !== undefined && !steps.has(name)) continue;
    const node = loaded.graph.nodes.get(name);
    const field = node ? IMAGE_FIELDS[node.type] : undefined;
    if (!node || !field) continue;
    let value: Json | undefined = node.definition.Arguments as Json;
    for (const key of field.path) value = obj(value)[key];
    if (typeof value !== 'string') continue;
    try {
      await resolve(value, field.purpose, obj(node.definition.Arguments as Json));
    } catch (error) {
      issues.push({ path: `${node.path}.Arguments.${field.path.join('.')}`, message: `step '${name}': ${errorMessage(error)}` });
    }
  }
  return issues;
}

/** Where each job type reads `s3://` locations: the field paths, relative to `Arguments`. */
function literalReads(type: string, args: JsonObject): { readonly field: string; readonly uri: string }[] {
  const out: { field: string; uri: string }[] = [];
  const add = (field: string, value: Json | undefined) => {
    if (typeof value === 'string' && value.startsWith('s3://')) out.push({ field, uri: value });
  };
  if (type === 'Processing') {
    const inputs = args.ProcessingInputs;
    if (Array.isArray(inputs)) inputs.forEach((input, i) => add(`ProcessingInputs[${i}].S3Input.S3Uri`, obj(obj(input).S3Input).S3Uri));
  }
  if (type === 'Training') {
    const channels = args.InputDataConfig;
    if (Array.isArray(channels)) channels.forEach((c, i) => add(`InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`, obj(obj(obj(c).DataSource).S3DataSource).S3Uri));
    // Script mode: the Python SDK writes the archive's URI JSON-encoded.
    const submit = obj(args.HyperParameters)[FrameworkHyperparameter.submitDirectory];
    if (typeof submit === 'string') {
      try {
        add(`HyperParameters.${FrameworkHyperparameter.submitDirectory}`, JSON.parse(submit) as Json);
      } catch {
        add(`HyperParameters.${FrameworkHyperparameter.submitDirectory}`, submit);
      }
    }
  }
  return out;
}

/** The literal `s3://` prefixes the pipeline's own jobs write (processing outputs, training output paths). */
function literalWrites(loaded: LoadedDefinition): string[] {
  const out: string[] = [];
  for (const node of loaded.graph.nodes.values()) {
    const args = obj(node.definition.Arguments as Json);
    const outputs = obj(args.ProcessingOutputConfig).Outputs;
    if (Array.isArray(outputs)) for (const o of outputs) if (typeof obj(obj(o).S3Output).S3Uri === 'string') out.push(obj(obj(o).S3Output).S3Uri as string);
    const path = obj(args.OutputDataConfig).S3OutputPath;
    if (typeof path === 'string') out.push(path);
  }
  return out.map((p) => p.replace(/\/+$/, ''));
}

/**
 * One issue per literal `s3://` read (of `steps`, default all) that `exists` does not find and no job of the
 * pipeline writes below.
 */
export async function missingInputIssues(loaded: LoadedDefinition, exists: (uri: string) => Promise<boolean>, steps?: ReadonlySet<string>): Promise<Issue[]> {
  const written = literalWrites(loaded);
  const issues: Issue[] = [];
  for (const name of loaded.graph.order) {
    if (steps !== undefined && !steps.has(name)) continue;
    const node = loaded.graph.nodes.get(name);
    if (!node) continue;
    for (const read of literalReads(node.type, obj(node.definition.Arguments as Json))) {
      if (written.some((w) => read.uri === w || read.uri.startsWith(`${w}/`))) continue;
      if (await exists(read.uri)) continue;
      const file = read.uri.slice(read.uri.lastIndexOf('/') + 1) || '<folder>/ --recursive';
      issues.push({
        path: `${node.path}.Arguments.${read.field}`,
        message: `step '${name}' reads ${read.uri}, which is not in the local S3: put it there with \`sagepipe s3 cp ${file} ${read.uri}\``,
      });
    }
  }
  return issues;
}
