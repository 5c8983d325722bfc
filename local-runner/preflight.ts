/**
 * The local runner's `checkDefinition`, from the definition alone: every `s3://` location a job reads literally
 * (code, data, a script-mode source archive) must be in the local S3, unless a step of the pipeline writes below it.
 * A script not yet copied is reported with the command that puts it there, rather than failing a step after the ones
 * before it ran. Values given by a parameter or a property are checked when the job starts; images are `prepare`'s.
 */
import type { LoadedDefinition } from '../src/definition/loader.ts';
import type { Json, JsonObject } from '../src/definition/types.ts';
import type { Issue } from '../src/errors.ts';

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

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
    const submit = obj(args.HyperParameters).sagemaker_submit_directory;
    if (typeof submit === 'string') {
      try {
        add('HyperParameters.sagemaker_submit_directory', JSON.parse(submit) as Json);
      } catch {
        add('HyperParameters.sagemaker_submit_directory', submit);
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
