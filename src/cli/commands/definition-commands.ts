/** `sagepipe compile`, `validate` and `graph`: the definition without running it. */
import { writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { Command } from 'commander';
import { compilePipelineFile } from '../../compile/compile.ts';
import { toMermaid } from '../../definition/graph.ts';
import { ErrorCode, SagepipeError, describeError, errorMessage, isSagepipeError } from '../../errors.ts';
import { type CliIO, ExitCode } from '../io.ts';
import { type CommonOptions, addContextOptions, contextFrom } from '../options.ts';
import { resolveParameters } from '../../engine/parameters.ts';
import { prepareRun } from '../../engine/runnable.ts';
import { addImageMapOption } from './run.ts';
import { localBackend, openSession, parseRuntime, selectRuntime, stageAssets } from '../../../local-runner/workspace.ts';

export function registerDefinitionCommands(program: Command, io: CliIO): void {
  addContextOptions(
    program
      .command('compile')
      .description('print the SageMaker pipeline definition JSON of a pipeline module')
      .argument('<pipeline>', 'a pipeline module (.ts/.js) or a definition (.json)')
      .option('-o, --output <file>', 'write the definition to a file instead of stdout')
      .option('--no-stage', "do not copy step code into the workspace S3 (by default it is copied, so that the written JSON runs locally as it is)"),
  ).action(async (file: string, opts: CommonOptions & { output?: string; stage: boolean }) => {
    const compiled = await compilePipelineFile(file, { context: contextFrom(opts, io) });
    const text = `${JSON.stringify(compiled.loaded.definition, null, 2)}\n`;
    if (opts.stage && compiled.assets.length > 0) {
      await stageAssets(openSession(opts, io), compiled.assets);
    }
    if (opts.output) {
      await writeOutput(opts.output, text);
      io.err(`wrote ${opts.output} (${compiled.loaded.graph.nodes.size} steps)\n`);
    } else io.out(text);
  });

  addImageMapOption(addContextOptions(
    program
      .command('validate')
      .description('check a pipeline module or definition JSON; exit 0 when valid, 1 with every error when not')
      .argument('<pipeline>', 'a pipeline module (.ts/.js) or a definition (.json)')
      .option('--json', 'print the result as JSON')
      .option('--local', 'also check that the local runner can run every step (step types, images), as `run` does before starting')
      .option('--runtime <runtime>', 'with --local: the runtime to check for (docker, process, auto)', 'auto'),
  )).action(async (file: string, opts: CommonOptions & { json?: boolean; local?: boolean; runtime?: string; imageMap?: string[] }) => {
    try {
      const compiled = await compilePipelineFile(file, { context: contextFrom(opts, io) });
      if (opts.local) {
        const session = openSession(opts, io);
        // As `run` does before it starts: the pipeline's own step code is then in the local S3, like any input.
        await stageAssets(session, compiled.assets);
        const runtime = await selectRuntime(parseRuntime(opts.runtime), (t) => io.err(`notice: ${t}\n`));
        await prepareRun(compiled.loaded, localBackend(session, runtime, io), resolveParameters(compiled.loaded.parameters, {}), undefined, file);
      }
      const steps = compiled.loaded.graph.nodes.size;
      const parameters = compiled.loaded.parameters.size;
      const counted = `${steps} step${steps === 1 ? '' : 's'}, ${parameters} parameter${parameters === 1 ? '' : 's'}`;
      if (opts.json) io.out(`${JSON.stringify({ valid: true, file, steps, errors: [] })}\n`);
      else io.out(`${file}: valid (${counted}${opts.local ? '; every step can run locally' : ''})\n`);
    } catch (error) {
      if (!isSagepipeError(error) || error.code === ErrorCode.Internal) throw error;
      if (opts.json) {
        const errors = error.issues.length > 0 ? error.issues : [{ path: error.path ?? '', message: error.message }];
        io.out(`${JSON.stringify({ valid: false, file, errors })}\n`);
      } else io.err(`${describeError(error).join('\n')}\n`);
      throw new ExitCode(1);
    }
  });

  addContextOptions(
    program
      .command('graph')
      .description('the step graph: Mermaid flowchart text, or a picture (svg, png, html) with the UI\'s layout')
      .argument('<pipeline>', 'a pipeline module (.ts/.js) or a definition (.json)')
      .option('--format <format>', 'mermaid, svg, png (needs Chromium) or html', 'mermaid')
      .option('-o, --output <file>', 'write to a file instead of stdout (needed for png)'),
  ).action(async (file: string, opts: CommonOptions & { format: string; output?: string }) => {
    const format = opts.format;
    if (format !== 'mermaid' && format !== 'svg' && format !== 'png' && format !== 'html') {
      throw new SagepipeError(ErrorCode.UsageError, `--format must be mermaid, svg, png or html (got '${format}')`);
    }
    if (format === 'png' && !opts.output) throw new SagepipeError(ErrorCode.UsageError, '--format png writes a file: name it with --output');
    const compiled = await compilePipelineFile(file, { context: contextFrom(opts, io) });
    let content: string | Uint8Array;
    if (format === 'mermaid') content = toMermaid(compiled.loaded.graph);
    else {
      const { renderPicture } = await import('../../ui/graph/picture.ts');
      content = await renderPicture(compiled.loaded.graph, format, compiled.name, io.env);
    }
    if (opts.output) {
      await writeOutput(opts.output, content);
      io.err(`wrote ${opts.output} (${compiled.loaded.graph.nodes.size} steps, ${format})\n`);
    } else io.out(typeof content === 'string' ? content : Buffer.from(content).toString('binary'));
  });
}

export function requireKnownExtension(file: string): void {
  if (!['.ts', '.mts', '.js', '.mjs', '.json'].includes(extname(file))) {
    throw new SagepipeError(ErrorCode.UsageError, `${file}: expected a pipeline module (.ts, .js) or a definition (.json)`, { path: file });
  }
}

/** --output names a file the user chose: a missing folder or a read-only place is their mistake, not an internal error. */
async function writeOutput(path: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `its folder ${dirname(path)} does not exist` : errorMessage(error);
    throw new SagepipeError(ErrorCode.UsageError, `cannot write --output ${path}: ${reason}`, { path, cause: error });
  }
}
