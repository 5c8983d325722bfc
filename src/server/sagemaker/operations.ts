/** Every SageMaker operation `serve` answers, by name (the `X-Amz-Target` suffix). */
import type { SageMakerContext } from './context.ts';
import { endpointOperations } from './endpoints.ts';
import { executionOperations } from './executions.ts';
import { modelOperations } from './models.ts';
import { pipelineOperations } from './pipelines.ts';
import { registryOperations } from './registry.ts';
import { tagAndLineageOperations } from './tags-and-lineage.ts';
import type { Operation } from './wire.ts';

export function sageMakerOperations(ctx: SageMakerContext): ReadonlyMap<string, Operation> {
  return new Map(
    Object.entries({
      ...pipelineOperations(ctx),
      ...executionOperations(ctx),
      ...modelOperations(ctx),
      ...registryOperations(ctx),
      ...endpointOperations(ctx),
      ...tagAndLineageOperations(ctx),
    }),
  );
}
