/** The CLI's definition commands, help, and how it reports mistakes (one line per problem, no stack trace). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const dir = tempDir('sagepipe-cli-');
afterAll(() => dir.remove());
const ws = ['--workspace', join(dir.path, 'ws')];

describe('sagepipe compile / validate / graph', () => {
  it('GIVEN the reference pipeline WHEN compiled THEN it prints the definition with six steps and six parameters', async () => {
    const r = await cli(['compile', 'examples/adult/pipeline.ts', ...ws], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(0);
    const def = JSON.parse(r.stdout);
    expect(def.Version).toBe('2020-12-01');
    expect(def.Parameters).toHaveLength(6);
    const cond = def.Steps.find((s: { Type: string }) => s.Type === 'Condition');
    expect(cond.Arguments.IfSteps.map((s: { Name: string }) => s.Name)).toEqual(['adultRegisterModel', 'adultCreateModel']);
    expect(cond.Arguments.ElseSteps).toEqual([]);
  });

  it('GIVEN the same pipeline compiled twice THEN the output is byte-identical', async () => {
    const a = await cli(['compile', 'examples/adult/pipeline.ts', ...ws], { cwd: REPO_ROOT });
    const b = await cli(['compile', 'examples/adult/pipeline.ts', ...ws], { cwd: REPO_ROOT });
    expect(a.stdout).toBe(b.stdout);
  });

  it('GIVEN --account and --region WHEN compiled THEN image URIs use them and no other account appears', async () => {
    const r = await cli(['compile', 'examples/adult/pipeline.ts', '--account', '111122223333', '--region', 'eu-central-1', ...ws], { cwd: REPO_ROOT });
    expect(r.stdout).toContain('111122223333.dkr.ecr.eu-central-1.amazonaws.com/sagepipe-xgboost:0.1.0');
    expect(r.stdout).not.toContain('000000000000');
  });

  it('GIVEN a compiled definition written to a file WHEN validated THEN it exits 0', async () => {
    const file = join(dir.path, 'adult.json');
    expect((await cli(['compile', 'examples/adult/pipeline.ts', '-o', file, ...ws], { cwd: REPO_ROOT })).code).toBe(0);
    const v = await cli(['validate', file]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/valid \(6 steps, 6 parameters\)/);
    expect((await cli(['validate', 'examples/adult/pipeline.ts', ...ws], { cwd: REPO_ROOT })).code).toBe(0);
  });

  it('GIVEN an invalid definition WHEN validated THEN it exits 1 listing every error with its JSON path, no stack trace', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'a', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Parameters.X' } }, DependsOn: ['ghost'] }] }));
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Steps[0].DependsOn[0]: depends on step 'ghost', which is not in the definition");
    expect(r.stderr).toContain("Steps[0].Arguments.ErrorMessage: parameter 'X' is not defined in Parameters");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = await cli(['validate', file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, errors: [expect.objectContaining({ path: 'Steps[0].DependsOn[0]' }), expect.anything()] });
  });

  it('GIVEN the reference pipeline WHEN graphed THEN Mermaid shows the branch edges', async () => {
    const r = await cli(['graph', 'examples/adult/pipeline.ts', ...ws], { cwd: REPO_ROOT });
    expect(r.stdout.split('\n')[0]).toBe('flowchart TD');
    expect(r.stdout).toContain('adultAccCond -->|if| adultCreateModel');
    expect(r.stdout).toContain('adultProcess --> adultTrain');
  });

  it('GIVEN a pipeline module with a mistake WHEN compiled THEN the error names the file and exits 1', async () => {
    const file = join(dir.path, 'broken.ts');
    writeFileSync(file, "import { Pipeline } from 'sagepipe';\nexport default new Pipeline({ name: 'x', steps: [ ;\n");
    const r = await cli(['compile', file, ...ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.ts: cannot be compiled/);
    expect(r.stderr).toMatch(/broken\.ts:2:\d+: Unexpected ";"/);
  });

  it('GIVEN a module whose default export is not a pipeline WHEN compiled THEN it says what is expected', async () => {
    const file = join(dir.path, 'notpipeline.ts');
    writeFileSync(file, 'export default 42;\n');
    const r = await cli(['compile', file, ...ws]);
    expect(r.stderr).toMatch(/the default export must be a Pipeline, or a function of a PipelineContext that returns one/);
  });

  it('GIVEN a definition with one step and one parameter WHEN validated THEN the counts are singular', async () => {
    const file = join(dir.path, 'one.json');
    writeFileSync(file, JSON.stringify({ Version: '2020-12-01', Parameters: [{ Name: 'P', Type: 'String' }], Steps: [{ Name: 'stop', Type: 'Fail', Arguments: { ErrorMessage: 'no' } }] }));
    const r = await cli(['validate', file, ...ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('one.json: valid (1 step, 1 parameter)');
  });

  it('GIVEN a missing file WHEN validated THEN it says so', async () => {
    const r = await cli(['validate', join(dir.path, 'nope.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pipeline file not found: .*nope\.json/);
    expect(r.stderr).not.toContain('ENOENT');
  });

  it.each([['compile'], ['graph']])('GIVEN %s -o into a folder that does not exist THEN a usage error names the file and the folder, not an internal error', async (command) => {
    const output = join(dir.path, 'no-such-folder', 'out.txt');
    const r = await cli([command, 'examples/adult/pipeline.ts', '-o', output, ...ws], { cwd: REPO_ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write --output ${output}: its folder ${join(dir.path, 'no-such-folder')} does not exist`);
    expect(r.stderr).not.toMatch(/internal error|--debug/);
  });
});

describe('help and usage', () => {
  it.each([['compile'], ['validate'], ['graph'], ['run'], ['executions', 'list'], ['executions', 'retry'], ['models', 'list'], ['models', 'describe'], ['images', 'build']])(
    'GIVEN %s --help THEN it prints usage and exits 0',
    async (...command) => {
      const r = await cli([...command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: sagepipe /);
    },
  );

  it('GIVEN an unknown command THEN exit 2 with a message', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('GIVEN a bad --param WHEN run THEN a usage error, exit 2', async () => {
    const r = await cli(['run', 'examples/adult/pipeline.ts', '--param', 'NoEquals', ...ws], { cwd: REPO_ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--param expects Name=Value, got 'NoEquals'");
  });

  it('GIVEN a parameter of the wrong type WHEN run THEN nothing runs, the parameter is named, and it is a usage error (exit 2, like --param X)', async () => {
    const r = await cli(['run', 'examples/adult/pipeline.ts', '--param', 'ProcessingInstanceCount=abc', '--runtime', 'process', ...ws], { cwd: REPO_ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ProcessingInstanceCount: parameter 'ProcessingInstanceCount' is an Integer: 'abc' is not a whole number");
  });

  it('GIVEN a --workspace that does not exist WHEN executions are listed THEN the empty list says the folder is missing', async () => {
    const missing = join(dir.path, 'no-such-workspace');
    const r = await cli(['executions', 'list', '--workspace', missing]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`no executions in ${missing} (no such folder: check --workspace)\n`);
  });

  it('GIVEN an unknown execution WHEN described THEN it says which and where', async () => {
    const r = await cli(['executions', 'describe', 'zzzz', ...ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no execution 'zzzz' in .*executions/);
  });
});
