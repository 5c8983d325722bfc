/** Selective execution's one check, the same on every target: each selected step is a step of the pipeline. */
import type { LoadedDefinition } from '../definition/loader.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';

/** A long pipeline's steps are named up to this many in the message. */
const SHOWN = 20;

export function checkSelectedSteps(loaded: LoadedDefinition, steps: readonly string[]): void {
  const unknown = steps.filter((s) => !loaded.graph.nodes.has(s));
  if (unknown.length === 0) return;
  const order = loaded.graph.order;
  const known = order.length <= SHOWN ? order.join(', ') : `${order.slice(0, SHOWN).join(', ')} and ${order.length - SHOWN} more`;
  throw new SagepipeError(ErrorCode.UsageError, `selective execution: no step named ${unknown.map((u) => `'${u}'`).join(', ')} in the pipeline (its steps: ${known})`);
}
