/**
 * A Lambda step's function run locally: its handler file (Node or Python, from the project config) is called in a
 * child process with the step's evaluated arguments as the event; what it returns (a JSON object) is the result.
 * The same for both container runtimes: a Lambda function is not a SageMaker container. A handler that throws fails
 * the step with its error; the function's 15-minute limit applies.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JsonObject } from '../../src/definition/types.ts';
import { type JobContext, JobFailure } from '../../src/engine/backend.ts';
import { lineSplitter } from '../runtime/runtime.ts';
import type { LambdaHandler } from '../config/lambda-functions.ts';

const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;

const NODE_SHIM = `
const [file, name, eventFile, resultFile, arn, requestId] = process.argv.slice(1);
const { readFileSync, writeFileSync } = await import('node:fs');
const { pathToFileURL } = await import('node:url');
const mod = await import(pathToFileURL(file).href);
const fn = mod[name] ?? mod.default?.[name];
if (typeof fn !== 'function') { process.stderr.write(\`\${file} exports no function '\${name}'\\n\`); process.exit(3); }
const context = { functionName: arn.split(':').pop(), invokedFunctionArn: arn, awsRequestId: requestId, getRemainingTimeInMillis: () => 900000 };
try {
  const result = await fn(JSON.parse(readFileSync(eventFile, 'utf8')), context);
  writeFileSync(resultFile, JSON.stringify(result ?? null));
} catch (error) {
  process.stderr.write(\`\${error && error.stack ? error.stack : String(error)}\\n\`);
  writeFileSync(resultFile + '.error', String(error && error.message ? error.message : error));
  process.exit(1);
}
`;

const PYTHON_SHIM = `
import importlib.util, json, sys, traceback
file, name, event_file, result_file, arn, request_id = sys.argv[1:7]
spec = importlib.util.spec_from_file_location("handler", file)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
fn = getattr(mod, name, None)
if not callable(fn):
    sys.stderr.write(f"{file} defines no function '{name}'\\n"); sys.exit(3)
class Context:
    function_name = arn.split(":")[-1]
    invoked_function_arn = arn
    aws_request_id = request_id
    def get_remaining_time_in_millis(self): return 900000
try:
    result = fn(json.load(open(event_file)), Context())
    json.dump(result, open(result_file, "w"))
except Exception as error:
    traceback.print_exc()
    open(result_file + ".error", "w").write(f"{type(error).__name__}: {error}")
    sys.exit(1)
`;

export async function invokeLocalLambda(handler: LambdaHandler, functionArn: string, event: JsonObject, workDir: string, ctx: JobContext): Promise<JsonObject> {
  await mkdir(workDir, { recursive: true });
  const id = randomUUID();
  const eventFile = join(workDir, `${id}.event.json`);
  const resultFile = join(workDir, `${id}.result.json`);
  await writeFile(eventFile, JSON.stringify(event));
  const args = [handler.file, handler.exportName, eventFile, resultFile, functionArn, id];
  const [command, argv] =
    handler.language === 'node' ? [process.execPath, ['--input-type=module', '-e', NODE_SHIM, '--', ...args]] : ['python3', ['-c', PYTHON_SHIM, ...args]];
  ctx.log(`invoking ${functionArn} → ${handler.file} (${handler.exportName})`, 'stdout');
  try {
    const exit = await new Promise<number>((resolve, reject) => {
      const child = spawn(command, argv as string[], { cwd: dirname(handler.file), stdio: ['ignore', 'pipe', 'pipe'] });
      const out = lineSplitter((l) => ctx.log(l, 'stdout'));
      const err = lineSplitter((l) => ctx.log(l, 'stderr'));
      child.stdout.on('data', (c: Buffer) => out.write(c));
      child.stderr.on('data', (c: Buffer) => err.write(c));
      const kill = () => child.kill('SIGKILL');
      const timer = setTimeout(kill, LAMBDA_TIMEOUT_MS);
      ctx.signal.addEventListener('abort', kill, { once: true });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', kill);
        out.end();
        err.end();
        resolve(code ?? 1);
      });
    });
    if (ctx.signal.aborted) throw new JobFailure('Stopped', `Lambda function ${functionArn} was stopped`);
    if (exit !== 0) {
      const message = await readFile(`${resultFile}.error`, 'utf8').catch(() => `the handler process exited with code ${exit}`);
      throw new JobFailure('AlgorithmError', `Lambda function ${functionArn} failed: ${message.trim()}`);
    }
    const result = JSON.parse(await readFile(resultFile, 'utf8')) as unknown;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      throw new JobFailure('ClientError', `Lambda function ${functionArn} returned ${JSON.stringify(result)}: a Lambda step's function must return a JSON object of its outputs`);
    }
    return result as JsonObject;
  } finally {
    await rm(eventFile, { force: true });
    await rm(resultFile, { force: true });
    await rm(`${resultFile}.error`, { force: true });
  }
}
