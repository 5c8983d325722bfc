/** Property files and `Std:JsonGet`: values read, when the execution runs, from a JSON file a processing step wrote. */
import type { Json, PropertyFileDefinition } from '../definition/types.ts';
import { ExpressionBase, type ExpressionReference } from './expressions.ts';
import type { StepLike } from './properties.ts';

export interface PropertyFileOptions {
  /** The name used to refer to the file (`PropertyFiles.<name>`). */
  readonly name: string;
  /** The processing output that holds the file. */
  readonly outputName: string;
  /** The file's path inside that output. */
  readonly path: string;
}

export class PropertyFile {
  readonly name: string;
  readonly outputName: string;
  readonly path: string;
  constructor(options: PropertyFileOptions) {
    this.name = options.name;
    this.outputName = options.outputName;
    this.path = options.path;
  }
  toDefinition(): PropertyFileDefinition {
    return { PropertyFileName: this.name, OutputName: this.outputName, FilePath: this.path };
  }
}

export interface JsonGetOptions {
  /** The processing step that declares the property file. */
  readonly step: StepLike;
  readonly propertyFile: PropertyFile;
  /** A JSONPath-like path into the file, e.g. `metrics.accuracy.value` or `a.b[0].c`. */
  readonly jsonPath: string;
}

/** `Std:JsonGet`: its value type is not known until run time, so it compares with any type. */
export class JsonGetFunction extends ExpressionBase<'Any'> {
  readonly valueType = 'Any' as const;
  readonly step: StepLike;
  readonly propertyFile: PropertyFile;
  readonly jsonPath: string;
  constructor(options: JsonGetOptions) {
    super();
    this.step = options.step;
    this.propertyFile = options.propertyFile;
    this.jsonPath = options.jsonPath;
  }
  render(): Json {
    return {
      'Std:JsonGet': {
        PropertyFile: { Get: `Steps.${this.step.name}.PropertyFiles.${this.propertyFile.name}` },
        Path: this.jsonPath,
      },
    };
  }
  references(): readonly ExpressionReference[] {
    return [{ kind: 'propertyFile', name: this.step.name, target: this.step, propertyFile: this.propertyFile.name }];
  }
}

export function JsonGet(options: JsonGetOptions): JsonGetFunction {
  return new JsonGetFunction(options);
}
