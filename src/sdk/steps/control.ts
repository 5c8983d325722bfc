/** Control-flow steps: `ConditionStep` (If/Else branches) and `FailStep` (ends the execution as Failed). */
import { conditionShape, failShape } from '../../definition/property-shapes.ts';
import type { Condition } from '../conditions.ts';
import type { StringValue } from '../expressions.ts';
import { type ArgumentTree, Step, type StepOptions } from './step.ts';

export interface ConditionStepOptions extends StepOptions {
  /** All must hold for the If branch to run. */
  readonly conditions: readonly Condition[];
  readonly ifSteps?: readonly Step[];
  readonly elseSteps?: readonly Step[];
}

export class ConditionStep extends Step<typeof conditionShape> {
  readonly type = 'Condition' as const;
  readonly conditions: readonly Condition[];
  readonly ifSteps: readonly Step[];
  readonly elseSteps: readonly Step[];
  constructor(options: ConditionStepOptions) {
    super(options, conditionShape);
    this.conditions = options.conditions;
    this.ifSteps = options.ifSteps ?? [];
    this.elseSteps = options.elseSteps ?? [];
  }
  /** Conditions render themselves; branch steps are rendered by the pipeline, in place. */
  arguments(): ArgumentTree {
    return {};
  }
}

export interface FailStepOptions extends StepOptions {
  /** May be a Join of parameters and properties. */
  readonly errorMessage?: StringValue;
}

export class FailStep extends Step<typeof failShape> {
  readonly type = 'Fail' as const;
  readonly errorMessage: StringValue;
  constructor(options: FailStepOptions) {
    super(options, failShape);
    this.errorMessage = options.errorMessage ?? '';
  }
  arguments(): ArgumentTree {
    return { ErrorMessage: this.errorMessage };
  }
}
