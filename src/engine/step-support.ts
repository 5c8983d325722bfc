/**
 * Which step types the engine runs, and why the others are refused before an execution starts (they load, and
 * `--target sagemaker` passes them through unchanged). docs/step-types.md has the whole table.
 */
import type { LoadedDefinition } from '../definition/loader.ts';
import type { Issue } from '../errors.ts';
import type { JobBackend } from './backend.ts';

export const RUNNABLE_STEP_TYPES = ['Processing', 'Training', 'Condition', 'Model', 'RegisterModel', 'Fail', 'Transform', 'Tuning', 'Lambda', 'Callback'] as const;

const REFUSED: Readonly<Record<string, string>> = {
  ClarifyCheck: 'it runs SageMaker Clarify, whose analysis container and baselines are AWS-only',
  QualityCheck: 'it runs Model Monitor\'s analyzer container, which is AWS-only',
  EMR: 'it submits steps to an Amazon EMR cluster',
  AutoML: 'it runs SageMaker Autopilot, an AWS service with no local equivalent',
  Endpoint: 'it deploys a hosted endpoint (use `sagepipe endpoints deploy` locally)',
  EndpointConfig: 'it creates a hosted endpoint configuration (use `sagepipe endpoints deploy` locally)',
};

/** Everything that stops an execution before it starts: unsupported step types, and what the backend cannot run. */
export function preflightIssues(loaded: LoadedDefinition, backend: JobBackend): Issue[] {
  const nodes = [...loaded.graph.nodes.values()];
  const issues: Issue[] = [];
  for (const n of nodes) {
    if ((RUNNABLE_STEP_TYPES as readonly string[]).includes(n.type)) continue;
    const why = REFUSED[n.type] ?? 'sagepipe does not implement it';
    issues.push({ path: `${n.path}.Type`, message: `step '${n.name}': ${n.type} steps run only on SageMaker (--target sagemaker): ${why}` });
  }
  return [...issues, ...(backend.preflight?.(nodes) ?? [])];
}
