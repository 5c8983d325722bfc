/**
 * The local runner's part of the check before an execution starts: every job image the definition names literally
 * must resolve to a local image (sagepipe's, a catalogue stand-in, or one named as it is). An AWS image nothing
 * stands in for is reported with its step, before any step runs. Images given by a parameter or property are known
 * only when the job starts, and are checked then.
 */
import type { LoadedDefinition } from '../src/definition/loader.ts';
import type { Json, JsonObject } from '../src/definition/types.ts';
import { type Issue, errorMessage } from '../src/errors.ts';

export type ImagePurpose = 'processing' | 'training';

/** Where each runnable step type names the image its job runs. */
const IMAGE_FIELDS: Readonly<Record<string, { readonly purpose: ImagePurpose; readonly path: readonly string[] }>> = {
  Processing: { purpose: 'processing', path: ['AppSpecification', 'ImageUri'] },
  Training: { purpose: 'training', path: ['AlgorithmSpecification', 'TrainingImage'] },
};

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

/**
 * One issue per step (of `steps`, default all) whose literal image `resolve` rejects (it throws with the reason).
 */
export function imageIssues(loaded: LoadedDefinition, resolve: (uri: string, purpose: ImagePurpose) => unknown, steps?: ReadonlySet<string>): Issue[] {
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
      resolve(value, field.purpose);
    } catch (error) {
      issues.push({ path: `${node.path}.Arguments.${field.path.join('.')}`, message: `step '${name}': ${errorMessage(error)}` });
    }
  }
  return issues;
}
