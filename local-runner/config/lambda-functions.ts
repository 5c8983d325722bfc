/**
 * The project config file's `lambdaFunctions` key: which local handler file stands in for a Lambda function ARN.
 *
 * ```json
 * { "lambdaFunctions": { "arn:aws:lambda:us-east-1:111122223333:function:summary": "lambda/summary.mjs" } }
 * ```
 * A key is a FunctionArn or a bare function name (matching any region and account). A value is a path relative to the config file, optionally `#exportName` (default: `handler` for Node files,
 * `lambda_handler` for Python). Other keys of the file belong to other readers and are left alone.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, SagepipeError, errorMessage } from '../../src/errors.ts';

export const PROJECT_CONFIG_FILE = 'sagepipe.config.json';

export interface LambdaHandler {
  readonly file: string;
  readonly language: 'node' | 'python';
  readonly exportName: string;
}

export type LambdaFunctions = ReadonlyMap<string, LambdaHandler>;

/** Reads `lambdaFunctions` from the first of the folders holding a config file; empty when none does. */
export function readLambdaFunctions(folders: readonly string[]): LambdaFunctions {
  const out = new Map<string, LambdaHandler>();
  for (const folder of folders) {
    const file = join(folder, PROJECT_CONFIG_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (error) {
      throw new SagepipeError(ErrorCode.UsageError, `${file}: not valid JSON: ${errorMessage(error)}`, { path: file });
    }
    const entries = (config as { lambdaFunctions?: unknown }).lambdaFunctions;
    if (entries === undefined) return out;
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new SagepipeError(ErrorCode.UsageError, `${file}: lambdaFunctions must be an object of FunctionArn → handler file`, { path: `${file}:lambdaFunctions` });
    }
    for (const [arn, value] of Object.entries(entries)) {
      if (typeof value !== 'string' || value === '') {
        throw new SagepipeError(ErrorCode.UsageError, `${file}: lambdaFunctions['${arn}'] must be a handler file path`, { path: `${file}:lambdaFunctions.${arn}` });
      }
      const [path, exportName] = value.split('#') as [string, string | undefined];
      const abs = isAbsolute(path) ? path : resolve(dirname(file), path);
      const ext = extname(abs);
      const language = ext === '.py' ? 'python' : ['.js', '.mjs', '.cjs'].includes(ext) ? 'node' : undefined;
      if (!language) {
        throw new SagepipeError(ErrorCode.UsageError, `${file}: lambdaFunctions['${arn}']: ${path} must be a .js, .mjs, .cjs or .py file`, { path: `${file}:lambdaFunctions.${arn}` });
      }
      out.set(arn, { file: abs, language, exportName: exportName ?? (language === 'python' ? 'lambda_handler' : 'handler') });
    }
    return out;
  }
  return out;
}
