/**
 * Tags (AddTags, ListTags, DeleteTags, kept per ARN) and the lineage and experiments reads a notebook makes after a
 * run: sagepipe records no lineage, so those List operations answer with empty, well-formed pages.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../definition/types.ts';
import { validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import { type Operations, optionalList, paginate, requiredString } from './wire.ts';

const ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/;

/** List operations answered with nothing, and the member that holds their list. */
const EMPTY_LISTS: Record<string, string> = {
  ListTrialComponents: 'TrialComponentSummaries',
  ListTrials: 'TrialSummaries',
  ListExperiments: 'ExperimentSummaries',
  ListAssociations: 'AssociationSummaries',
  ListActions: 'ActionSummaries',
  ListArtifacts: 'ArtifactSummaries',
  ListContexts: 'ContextSummaries',
  ListLineageGroups: 'LineageGroupSummaries',
  ListProcessingJobs: 'ProcessingJobSummaries',
  ListTrainingJobs: 'TrainingJobSummaries',
};

export function tagAndLineageOperations(ctx: SageMakerContext): Operations {
  // One file per resource, named by a hash of its ARN (ARNs hold characters no file name should).
  const key = (arn: string) => createHash('sha256').update(arn.toLowerCase()).digest('hex');
  const read = async (arn: string) => ((await ctx.state.read('tags', key(arn)))?.Tags ?? []) as { Key: string; Value: string }[];
  const ops: Operations = {
    async AddTags(input) {
      const arn = requiredString(input, 'ResourceArn', ARN, 256);
      const given = optionalList(input, 'Tags') ?? [];
      if (given.length === 0) throw validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
      const tags = new Map((await read(arn)).map((t) => [t.Key, t.Value]));
      for (const t of given) tags.set(requiredString(t, 'Key', undefined, 128), typeof t.Value === 'string' ? t.Value : '');
      const list = [...tags].map(([Key, Value]) => ({ Key, Value }));
      await ctx.state.write('tags', key(arn), { ResourceArn: arn, Tags: list });
      return { Tags: list };
    },
    async ListTags(input) {
      const arn = requiredString(input, 'ResourceArn', ARN, 256);
      const { page, NextToken } = paginate(await read(arn), input, 100);
      return { Tags: page, ...(NextToken ? { NextToken } : {}) };
    },
    async DeleteTags(input) {
      const arn = requiredString(input, 'ResourceArn', ARN, 256);
      const keys = input.TagKeys;
      if (!Array.isArray(keys) || keys.length === 0) throw validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
      const left = (await read(arn)).filter((t) => !keys.includes(t.Key));
      await ctx.state.write('tags', key(arn), { ResourceArn: arn, Tags: left });
      return {};
    },
  };
  for (const [op, member] of Object.entries(EMPTY_LISTS)) {
    ops[op] = async (input: JsonObject) => {
      paginate([], input);
      return { [member]: [] };
    };
  }
  return ops;
}
