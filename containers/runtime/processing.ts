/**
 * Typed access to a processing job's inputs and outputs, from the job's configuration
 * (`/opt/ml/config/processingjobconfig.json`, written by SageMaker and by sagepipe's runtimes alike).
 */
import { readProcessingConfig } from '../contract/job-config.ts';
import { ContainerPaths, containerPath } from '../contract/paths.ts';

export interface ProcessingJob {
  /** The local folder of an input, by input name. */
  input(name: string): string;
  /** The local folder of an output, by output name. */
  output(name: string): string;
  /** Any container path, mapped for the process runtime. */
  path(containerPath: string): string;
  /** The job's arguments (`ContainerArguments`). */
  readonly args: readonly string[];
}

export const PROCESSING_CONFIG = ContainerPaths.processingJobConfig;

export function processingJob(argv: readonly string[] = process.argv.slice(2)): ProcessingJob {
  const config = readProcessingConfig();
  const inputs = new Map((config.ProcessingInputs ?? []).flatMap((i) => (i.S3Input ? [[i.InputName, i.S3Input.LocalPath] as const] : [])));
  const outputs = new Map(
    (config.ProcessingOutputConfig?.Outputs ?? []).flatMap((o) => (o.S3Output ? [[o.OutputName, o.S3Output.LocalPath] as const] : [])),
  );
  return {
    input(name) {
      const p = inputs.get(name);
      if (p === undefined) throw new Error(`processing job has no input '${name}' (inputs: ${[...inputs.keys()].join(', ') || 'none'})`);
      return containerPath(p);
    },
    output(name) {
      const p = outputs.get(name);
      if (p === undefined) throw new Error(`processing job has no output '${name}' (outputs: ${[...outputs.keys()].join(', ') || 'none'})`);
      return containerPath(p);
    },
    path: (p) => containerPath(p),
    args: argv,
  };
}

/** Reads `--name value` from the job arguments. */
export function argument(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
