/**
 * From a pipeline file to its definition: a `.ts`/`.js` module is loaded (its default export is a Pipeline or a
 * function of a PipelineContext returning one), its step code bundled and addressed by content, and the definition
 * synthesized and checked by the loader; a `.json` file is loaded as a definition.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { maxParallelIssue, pipelineNameIssue } from '../definition/limits.ts';
import { ErrorCode, SagepipeError, errorMessage } from '../errors.ts';
import { type LoadedDefinition, loadDefinition, loadDefinitionText } from '../definition/loader.ts';
import { type PipelineContext, imageUri } from '../sdk/context.ts';
import { type Pipeline, isPipeline } from '../sdk/pipeline.ts';
import type { StagedCode } from '../sdk/steps/step.ts';
import { bundleScript, importPipelineModule } from './bundle.ts';
import { cachedSchemaValidator } from './cache-dir.ts';

export interface ContextOptions {
  readonly account?: string;
  readonly region?: string;
  readonly defaultBucket?: string;
  readonly roleArn?: string;
  readonly imageVersion?: string;
  readonly target?: 'local' | 'sagemaker';
}

/** The account id local runs use in image URIs and ARNs (no AWS account is involved). */
export const LOCAL_ACCOUNT = '000000000000';

/** Fills every default: a local run needs no AWS settings at all. */
export function resolveContext(options: ContextOptions, version: string): PipelineContext {
  const account = options.account ?? LOCAL_ACCOUNT;
  const region = options.region ?? 'us-east-1';
  const base = {
    account,
    region,
    defaultBucket: options.defaultBucket ?? 'sagepipe-local',
    roleArn: options.roleArn ?? `arn:aws:iam::${account}:role/SagepipeLocalExecution`,
    imageVersion: options.imageVersion ?? version,
    target: options.target ?? 'local',
  } as const;
  return { ...base, imageUri: (name) => imageUri(base, name) };
}

export interface CodeAsset {
  /** The local file, absolute. */
  readonly localPath: string;
  readonly s3Uri: string;
  readonly content: Uint8Array;
}

export interface CompiledPipeline {
  readonly name: string;
  readonly loaded: LoadedDefinition;
  /** Step code to put in S3 before running. */
  readonly assets: readonly CodeAsset[];
  readonly maxParallelExecutionSteps: number | undefined;
  readonly source: string;
}

export interface CompileOptions {
  readonly context: PipelineContext;
  /** The pipeline name for a `.json` definition. @default the file name without extension */
  readonly name?: string;
}

/** The pipeline's name and parallelism, as CreatePipeline would check them (a JavaScript module is not type-checked). */
function checkPipelineSettings(file: string, name: unknown, maxParallel: unknown, hint: string): void {
  const issues = [pipelineNameIssue(name), maxParallelIssue(maxParallel)].flatMap((i) => (i ? [{ ...i, message: `${i.message}${i.path === 'PipelineName' ? hint : ''}` }] : []));
  if (issues.length > 0) {
    throw new SagepipeError(ErrorCode.DefinitionInvalid, `${file}: ${issues.length} error${issues.length === 1 ? '' : 's'} in the pipeline`, { path: file, issues });
  }
}

export async function compilePipelineFile(file: string, options: CompileOptions): Promise<CompiledPipeline> {
  if (extname(file) === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // Worded as a module's is (bundle.ts): a mistyped path is the usual cause, and ENOENT's text means nothing to most.
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new SagepipeError(ErrorCode.FileUnreadable, missing ? `pipeline file not found: ${file}` : `cannot read ${file}: ${errorMessage(error)}`, { path: file, cause: error });
    }
    const loaded = loadDefinitionText(text, { source: file, validator: cachedSchemaValidator() });
    const name = options.name ?? basename(file, '.json');
    checkPipelineSettings(file, name, undefined, options.name === undefined ? ' (taken from the file name: give one with --name)' : '');
    return { name, loaded, assets: [], maxParallelExecutionSteps: undefined, source: file };
  }
  const pipeline = await loadPipelineModule(file, options.context);
  return compilePipeline(pipeline, { context: options.context, baseDir: dirname(resolve(file)), source: file, ...(options.name ? { name: options.name } : {}) });
}

/** A Pipeline object (built by the caller) to its definition, its step code bundled and addressed by content. */
export async function compilePipeline(
  pipeline: Pipeline,
  options: CompileOptions & { readonly baseDir: string; /** @default 'pipeline <name>' */ readonly source?: string },
): Promise<CompiledPipeline> {
  const source = options.source ?? `pipeline ${pipeline.name}`;
  const assets = await stageCode(pipeline, options.baseDir, options.context);
  const byPath = new Map(assets.map((a) => [a.requested, a.staged] as const));
  const definition = pipeline.toDefinition({ resolveCode: (p) => byPath.get(p) });
  const loaded = loadDefinition(JSON.parse(JSON.stringify(definition)), { source, validator: cachedSchemaValidator() });
  checkPipelineSettings(source, options.name ?? pipeline.name, pipeline.parallelismConfiguration?.maxParallelExecutionSteps, '');
  return {
    name: options.name ?? pipeline.name,
    loaded,
    assets: assets.map((a) => a.asset),
    maxParallelExecutionSteps: pipeline.parallelismConfiguration?.maxParallelExecutionSteps,
    source,
  };
}

export async function loadPipelineModule(file: string, context: PipelineContext): Promise<Pipeline> {
  const module = await importPipelineModule(file);
  const exported = module.default;
  let value: unknown = exported;
  if (typeof exported === 'function') {
    try {
      value = await (exported as (ctx: PipelineContext) => unknown)(context);
    } catch (error) {
      if (error instanceof Error && (error as { code?: string }).code) throw error;
      throw new SagepipeError(ErrorCode.PipelineInvalid, `${file}: building the pipeline failed: ${errorMessage(error)}`, { path: file, cause: error });
    }
  }
  if (!isPipeline(value)) {
    throw new SagepipeError(
      ErrorCode.PipelineInvalid,
      `${file}: the default export must be a Pipeline, or a function of a PipelineContext that returns one`,
      { path: file },
    );
  }
  return value;
}

async function stageCode(
  pipeline: Pipeline,
  baseDir: string,
  context: PipelineContext,
): Promise<{ requested: string; staged: StagedCode; asset: CodeAsset }[]> {
  const out: { requested: string; staged: StagedCode; asset: CodeAsset }[] = [];
  for (const requested of pipeline.codePaths()) {
    const localPath = isAbsolute(requested) ? requested : resolve(baseDir, requested);
    const bundled = await bundleScript(localPath);
    const s3Uri = `s3://${context.defaultBucket}/sagepipe/code/${bundled.sha256}/${bundled.fileName}`;
    out.push({ requested, staged: { s3Uri, fileName: bundled.fileName }, asset: { localPath, s3Uri, content: bundled.content } });
  }
  return out;
}
