/** A pipeline: parameters and steps, synthesized on demand into the definition JSON. Building one does no I/O. */
import type { JsonObject, PipelineDefinition } from '../definition/types.ts';
import type { AnyParameter } from './parameters.ts';
import { type CodeResolver, type Step } from './steps/step.ts';
import { synthesize } from './synthesis.ts';

const PIPELINE = Symbol.for('sagepipe.pipeline');

export interface ParallelismConfiguration {
  /** How many steps may run at the same time. */
  readonly maxParallelExecutionSteps: number;
}

export interface PipelineOptions {
  /** 1-256 letters, digits and '-'. */
  readonly name: string;
  readonly parameters?: readonly AnyParameter[];
  /** Top-level steps; steps inside a ConditionStep's branches are listed there only. */
  readonly steps: readonly Step[];
  /** The bucket for default output locations (`s3://<bucket>/<pipeline>/<execution>/<step>/output/<name>`). */
  readonly defaultBucket?: string;
  /**
   * Passed to CreatePipeline/StartPipelineExecution and to the local engine; not part of the definition JSON,
   * where the service does not accept it.
   */
  readonly parallelismConfiguration?: ParallelismConfiguration;
  /** @default the Python SDK's default: experiment = pipeline name, trial = execution id */
  readonly experimentConfig?: JsonObject | null;
}

export interface DefinitionOptions {
  /** Where each step's local code was staged; required when a ProcessingStep has `code`. */
  readonly resolveCode?: CodeResolver;
}

export class Pipeline {
  readonly [PIPELINE] = true;
  readonly name: string;
  readonly parameters: readonly AnyParameter[];
  readonly steps: readonly Step[];
  readonly defaultBucket: string | undefined;
  readonly parallelismConfiguration: ParallelismConfiguration | undefined;
  readonly experimentConfig: JsonObject | undefined;

  constructor(options: PipelineOptions) {
    this.name = options.name;
    this.parameters = options.parameters ?? [];
    this.steps = options.steps;
    this.defaultBucket = options.defaultBucket;
    this.parallelismConfiguration = options.parallelismConfiguration;
    this.experimentConfig =
      options.experimentConfig === null
        ? undefined
        : (options.experimentConfig ?? {
            ExperimentName: { Get: 'Execution.PipelineName' },
            TrialName: { Get: 'Execution.PipelineExecutionId' },
          });
  }

  /** Every local code file the steps use (paths as written), for staging before synthesis. */
  codePaths(): string[] {
    const paths = new Set<string>();
    const visit = (steps: readonly Step[]) => {
      for (const s of steps) {
        const code = (s as { options?: { code?: unknown } }).options?.code;
        if (typeof code === 'string') paths.add(code);
        const branches = s as { ifSteps?: readonly Step[]; elseSteps?: readonly Step[] };
        visit(branches.ifSteps ?? []);
        visit(branches.elseSteps ?? []);
      }
    };
    visit(this.steps);
    return [...paths].sort();
  }

  /** The definition as an object. Throws a SagepipeError listing every problem found. */
  toDefinition(options: DefinitionOptions = {}): PipelineDefinition {
    return synthesize({
      name: this.name,
      parameters: this.parameters,
      steps: this.steps,
      experimentConfig: this.experimentConfig,
      context: {
        resolveCode: options.resolveCode ?? (() => undefined),
        defaultBucket: this.defaultBucket,
        pipelineName: this.name,
      },
    });
  }

  /** The definition JSON text, deterministic: the same pipeline gives byte-identical output. */
  definition(options: DefinitionOptions = {}): string {
    return JSON.stringify(this.toDefinition(options), null, 2);
  }
}

export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PIPELINE] === true;
}
