/** CreateModel, DescribeModel, ListModels, DeleteModel; DescribeProcessingJob and DescribeTrainingJob of pipeline jobs. */
import type { JsonObject } from '../../definition/types.ts';
import { notFound, validation } from '../http/api-error.ts';
import { type SageMakerContext, executionsWithSteps } from './context.ts';
import { ENTITY_NAME, type Operations, inWindow, optionalEnum, optionalString, optionalTime, paginate, requiredString, sortBy, wireObject } from './wire.ts';

const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function modelOperations(ctx: SageMakerContext): Operations {
  const { session } = ctx;
  const couldNotFind = (name: string) => validation(`Could not find model "${ctx.arn('model', name)}".`);
  const findModel = async (name: string): Promise<JsonObject | undefined> =>
    (await session.models.list()).find((m) => String(m.ModelName).toLowerCase() === name.toLowerCase());
  const findJob = async (field: 'ProcessingJobName' | 'TrainingJobName', name: string): Promise<JsonObject> => {
    const executions = await executionsWithSteps(ctx);
    // Job names are unique without regard to case; ARNs carry them in lower case.
    const wanted = name.toLowerCase();
    for (const e of executions) for (const s of e.Steps) if (s.Properties && String(s.Properties[field] ?? '').toLowerCase() === wanted) return s.Properties;
    throw notFound(`Could not find job '${name}'.`);
  };

  return {
    async CreateModel(input) {
      const name = requiredString(input, 'ModelName', ENTITY_NAME, 63);
      const primary = input.PrimaryContainer;
      const containers = input.Containers;
      if (primary === undefined && !(Array.isArray(containers) && containers.length > 0)) throw validation('Either PrimaryContainer or Containers must be specified');
      if (await findModel(name)) throw validation(`Cannot create already existing model "${ctx.arn('model', name)}".`);
      const arn = ctx.arn('model', name);
      await session.models.save({ ...input, ModelName: name, ModelArn: arn, CreationTime: new Date().toISOString() });
      return { ModelArn: arn };
    },
    async DescribeModel(input) {
      const name = requiredString(input, 'ModelName', ENTITY_NAME, 63);
      const found = await findModel(name);
      if (!found) throw couldNotFind(name);
      return wireObject({ ExecutionRoleArn: '', ...found, EnableNetworkIsolation: found.EnableNetworkIsolation ?? false });
    },
    async DeleteModel(input) {
      const name = requiredString(input, 'ModelName', ENTITY_NAME, 63);
      const found = await findModel(name);
      if (!found) throw couldNotFind(name);
      await session.models.delete(String(found.ModelName));
      return {};
    },
    async ListModels(input) {
      const contains = optionalString(input, 'NameContains', /^[a-zA-Z0-9-]+$/, 63);
      const after = optionalTime(input, 'CreationTimeAfter');
      const before = optionalTime(input, 'CreationTimeBefore');
      const by = optionalEnum(input, 'SortBy', ['Name', 'CreationTime'] as const) ?? 'CreationTime';
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Descending';
      const list = (await session.models.list()).filter((m) => (!contains || String(m.ModelName).includes(contains)) && inWindow(String(m.CreationTime), after, before));
      const { page, NextToken } = paginate(sortBy(list, (m) => String(by === 'Name' ? m.ModelName : m.CreationTime), order), input);
      return { Models: page.map((m) => wireObject({ ModelName: m.ModelName, ModelArn: m.ModelArn, CreationTime: m.CreationTime })), ...(NextToken ? { NextToken } : {}) };
    },
    async DescribeProcessingJob(input) {
      return wireObject(await findJob('ProcessingJobName', requiredString(input, 'ProcessingJobName', JOB_NAME, 63)));
    },
    async DescribeTrainingJob(input) {
      const job = await findJob('TrainingJobName', requiredString(input, 'TrainingJobName', JOB_NAME, 63));
      const output = (job.OutputDataConfig ?? {}) as JsonObject;
      // The SDK's Estimator.attach() reads OutputDataConfig.KmsKeyId, which the service always returns.
      return wireObject({ ...job, OutputDataConfig: { KmsKeyId: '', ...output }, SecondaryStatus: job.SecondaryStatus ?? job.TrainingJobStatus });
    },
  };
}
