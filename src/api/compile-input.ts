/** What the library's runPipeline accepts, compiled for a target: a Pipeline, a function of the context, a definition or a file. */
import { type CompiledPipeline, type ContextOptions, compilePipeline, compilePipelineFile, resolveContext } from '../compile/compile.ts';
import { loadDefinition } from '../definition/loader.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import type { TargetStartRequest } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { PipelineContext } from '../sdk/context.ts';
import { type Pipeline, isPipeline } from '../sdk/pipeline.ts';
import { VERSION } from '../version.ts';

/** A Pipeline, a function of the pipeline context returning one, a definition (SageMaker's JSON, parsed) or a file path (.ts/.js/.json). */
export type PipelineInput = Pipeline | ((context: PipelineContext) => Pipeline | Promise<Pipeline>) | PipelineDefinition | string;

export interface CompileInputOptions {
  /** The pipeline name; needed for a definition (it carries none). @default the Pipeline's name, or the file name */
  readonly name?: string;
  /** Where relative step-code paths of a Pipeline resolve. @default process.cwd() */
  readonly baseDir?: string;
  /** Account, region, bucket and role the context gives the pipeline. @default local placeholders */
  readonly context?: Omit<ContextOptions, 'target'>;
}

export async function compileInput(input: PipelineInput, target: 'local' | 'sagemaker', options: CompileInputOptions): Promise<CompiledPipeline> {
  const context = resolveContext({ ...options.context, target }, VERSION);
  const named = options.name ? { name: options.name } : {};
  if (typeof input === 'string') return compilePipelineFile(input, { context, ...named });
  const baseDir = options.baseDir ?? process.cwd();
  if (isPipeline(input)) return compilePipeline(input, { context, baseDir, ...named });
  if (typeof input === 'function') {
    const pipeline = await input(context);
    if (!isPipeline(pipeline)) throw new SagepipeError(ErrorCode.PipelineInvalid, 'the pipeline function must return a Pipeline');
    return compilePipeline(pipeline, { context, baseDir, ...named });
  }
  if (!options.name) throw new SagepipeError(ErrorCode.UsageError, 'a pipeline definition carries no name: pass { name } to run it');
  const loaded = loadDefinition(JSON.parse(JSON.stringify(input)), { source: `definition ${options.name}` });
  return { name: options.name, loaded, assets: [], maxParallelExecutionSteps: undefined, source: `definition ${options.name}` };
}

/** What both targets' runPipeline ask of a run, beside the compiled pipeline. */
export interface StartOptions {
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  readonly select?: { readonly steps: readonly string[]; readonly from: string };
  readonly maxParallelExecutionSteps?: number;
  readonly displayName?: string;
}

/** The target's start request for a compiled pipeline: the option's parallelism, else the pipeline's own. */
export function startRequest(compiled: CompiledPipeline, options: StartOptions): TargetStartRequest {
  const maxParallel = options.maxParallelExecutionSteps ?? compiled.maxParallelExecutionSteps;
  return {
    pipelineName: compiled.name,
    loaded: compiled.loaded,
    assets: compiled.assets,
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(maxParallel === undefined ? {} : { maxParallelExecutionSteps: maxParallel }),
    ...(options.select ? { selective: { sourceExecution: options.select.from, steps: options.select.steps } } : {}),
    ...(options.displayName ? { displayName: options.displayName } : {}),
  };
}
