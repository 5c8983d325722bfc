/**
 * Checks a definition must pass before anything walks it recursively, and checks of the requests inside steps that
 * the service makes but the schema does not: nesting depth (a Join nested a thousand deep must be an error, not a
 * stack overflow), required request fields, instance counts, the pipeline name and its parallelism.
 */
import type { Issue } from '../errors.ts';
import type { Json } from './types.ts';

/** Deeper nesting than any real definition has (the Python SDK's are under 20). */
export const MAX_DEPTH = 64;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first place nested deeper than `limit`, found without recursion; undefined when none is. */
export function tooDeep(value: unknown, limit = MAX_DEPTH): Issue | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return { path: shorten(pathTo(value, v, limit) ?? ''), message: `nested more than ${limit} levels deep (a Std:Join or Get nested in itself?): refused` };
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return undefined;
}

const shorten = (path: string) => (path.length > 160 ? `${path.slice(0, 160)}…` : path);

/** The JSON path of `target` below `root` (depth-bounded, so the recursion is too). */
function pathTo(root: unknown, target: unknown, limit: number, path = ''): string | undefined {
  if (root === target) return path;
  if (limit < 0 || typeof root !== 'object' || root === null) return undefined;
  const entries = Array.isArray(root) ? root.map((v, i) => [`[${i}]`, v] as const) : Object.entries(root).map(([k, v]) => [`${path ? '.' : ''}${k}`, v] as const);
  for (const [key, child] of entries) {
    const found = pathTo(child, target, limit - 1, `${path}${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** SageMaker's PipelineName: 1-256 letters, digits and single or repeated hyphens between them (botocore's model). */
export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

export function pipelineNameIssue(name: unknown): Issue | undefined {
  if (typeof name === 'string' && PIPELINE_NAME.test(name)) return undefined;
  return {
    path: 'PipelineName',
    message: `${JSON.stringify(name)} is not a pipeline name SageMaker accepts: 1-256 letters, digits and hyphens, starting and ending with a letter or digit`,
  };
}

/** ParallelismConfiguration.MaxParallelExecutionSteps: a whole number ≥ 1, when given. */
export function maxParallelIssue(value: unknown): Issue | undefined {
  if (value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return undefined;
  return { path: 'ParallelismConfiguration.MaxParallelExecutionSteps', message: `${JSON.stringify(value)} is not a whole number of at least 1` };
}

function countIssue(value: Json | undefined, path: string, required: boolean): Issue[] {
  if (value === undefined) return required ? [{ path, message: 'missing required field (a whole number of at least 1)' }] : [];
  // A reference (Get, parameter) is checked when it is evaluated.
  if (isObject(value)) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return [{ path, message: `${JSON.stringify(value)} is not a whole number of at least 1` }];
  return [];
}

const missing = (v: Json | undefined) => v === undefined || v === null || v === '';

/** What CreateProcessingJob / CreateTrainingJob would reject in a step's Arguments. */
export function requestIssues(type: string, args: unknown, path: string): Issue[] {
  if (!isObject(args)) return [];
  const at = `${path}.Arguments`;
  const issues: Issue[] = [];
  if (type === 'Processing') {
    const app = args.AppSpecification;
    if (!isObject(app)) issues.push({ path: `${at}.AppSpecification`, message: 'missing required field (an object with ImageUri)' });
    else if (missing(app.ImageUri)) issues.push({ path: `${at}.AppSpecification.ImageUri`, message: 'missing required field: the image to run' });
    const cluster = isObject(args.ProcessingResources) ? args.ProcessingResources.ClusterConfig : undefined;
    if (!isObject(cluster)) issues.push({ path: `${at}.ProcessingResources.ClusterConfig`, message: 'missing required field (InstanceCount, InstanceType, VolumeSizeInGB)' });
    else issues.push(...countIssue(cluster.InstanceCount, `${at}.ProcessingResources.ClusterConfig.InstanceCount`, true));
    if (missing(args.RoleArn)) issues.push({ path: `${at}.RoleArn`, message: 'missing required field' });
  } else if (type === 'Training') {
    const algorithm = args.AlgorithmSpecification;
    if (!isObject(algorithm) || (missing(algorithm.TrainingImage) && missing(algorithm.AlgorithmName))) {
      issues.push({ path: `${at}.AlgorithmSpecification.TrainingImage`, message: 'missing required field: the training image (or AlgorithmName)' });
    }
    if (!isObject(args.OutputDataConfig)) issues.push({ path: `${at}.OutputDataConfig`, message: 'missing required field (an object with S3OutputPath)' });
    if (missing(args.RoleArn)) issues.push({ path: `${at}.RoleArn`, message: 'missing required field' });
    const resources = args.ResourceConfig;
    if (isObject(resources) && resources.InstanceGroups === undefined) issues.push(...countIssue(resources.InstanceCount, `${at}.ResourceConfig.InstanceCount`, true));
  }
  return issues;
}
