/** Declared outputs of Lambda and Callback steps: `OutputParameters` in the definition, typed references in the SDK. */
import type { ScalarType } from '../../definition/property-shapes.ts';
import { PropertyRef, type StepLike } from '../properties.ts';

/** Output names and their types (`{ approver: 'String', score: 'Float' }`). */
export type OutputDeclarations = Readonly<Record<string, ScalarType>>;

export type OutputRefs<O extends OutputDeclarations> = { readonly [K in keyof O]: PropertyRef<O[K]> };

export function outputRefs<O extends OutputDeclarations>(step: StepLike, outputs: O): OutputRefs<O> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, type]) => [name, new PropertyRef(step, [{ kind: 'field', name: 'OutputParameters' }, { kind: 'key', key: name }], type)]),
  ) as OutputRefs<O>;
}

export function renderOutputs(outputs: OutputDeclarations): { OutputName: string; OutputType: ScalarType }[] {
  return Object.entries(outputs).map(([OutputName, OutputType]) => ({ OutputName, OutputType }));
}
