/**
 * What the local engine can run, checked before an execution starts: a definition with a step type it has no
 * runner for (Transform, Tuning, Lambda, EMR, ClarifyCheck …) is refused up front with every such step named, never
 * failed halfway through. The backend adds what it knows: `checkDefinition` (e.g. inputs not in its S3) and
 * `prepare` (the images every step names, resolved at once).
 */
import type { LoadedDefinition } from '../definition/loader.ts';
import { STEP_TYPES } from '../definition/types.ts';
import { ErrorCode, type Issue, SagepipeError } from '../errors.ts';
import type { JobBackend, RunPreparation } from './backend.ts';

/** The step types the engine runs: Condition and Fail itself, the others through a JobBackend. */
export const RUNNABLE_STEP_TYPES: ReadonlySet<string> = new Set<string>(STEP_TYPES);

/** One issue per step (of `steps`, default all) whose type the engine cannot run, in definition order. */
export function unrunnableStepIssues(loaded: LoadedDefinition, steps?: ReadonlySet<string>): Issue[] {
  const supported = [...RUNNABLE_STEP_TYPES].join(', ');
  return loaded.graph.order
    .filter((name) => steps === undefined || steps.has(name))
    .flatMap((name) => {
      const node = loaded.graph.nodes.get(name);
      if (!node || RUNNABLE_STEP_TYPES.has(node.type)) return [];
      return [{ path: node.path, message: `step '${name}' has type '${node.type}', which sagepipe's local engine cannot run (it runs ${supported})` }];
    });
}

/**
 * Every reason the steps that would run cannot: the engine's (step types) and the backend's own check. Resolves to
 * the issues, empty when the execution can start.
 */
export async function preflightIssues(loaded: LoadedDefinition, backend: JobBackend | undefined, steps?: ReadonlySet<string>): Promise<Issue[]> {
  const issues = unrunnableStepIssues(loaded, steps);
  const fromBackend = backend?.checkDefinition ? await backend.checkDefinition(loaded, steps) : [];
  return [...issues, ...fromBackend];
}

/** Throws one error listing every issue (`source`: the pipeline or file; `consequence`: what was not done). */
export function assertRunnable(issues: readonly Issue[], source: string, consequence = ''): void {
  if (issues.length === 0) return;
  throw new SagepipeError(
    ErrorCode.StepUnsupported,
    `${source}: ${issues.length === 1 ? '1 problem keeps' : `${issues.length} problems keep`} steps from running locally${consequence ? `, ${consequence}` : ''}`,
    { issues, path: source },
  );
}

/**
 * Everything checked before an execution starts, in one place for `run`, `retry`, `serve` and `validate --local`:
 * the step types and the backend's `checkDefinition` (of `steps`, default all) — every problem in one error — then,
 * when those pass, the backend's `prepare` (which plans the images with the parameter values, and throws for what it
 * cannot run). Resolves to what `prepare` planned.
 */
export async function prepareRun(
  loaded: LoadedDefinition,
  backend: JobBackend | undefined,
  parameters: ReadonlyMap<string, string | number | boolean>,
  steps: ReadonlySet<string> | undefined,
  source: string,
  consequence = '',
): Promise<RunPreparation | undefined> {
  assertRunnable(await preflightIssues(loaded, backend, steps), source, consequence);
  return backend?.prepare?.(loaded.definition, parameters, steps);
}
