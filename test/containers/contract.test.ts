/**
 * The container contract seen from both sides: what the host writes for a job (config files, folders, the model
 * archive) is what the images read, through the same constants; the Python programs' copy of the contract
 * (containers/python/sagepipe_contract.py) holds the same values as the TypeScript module; a failure or an error
 * answer an image writes is what the host reads back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FrameworkEnv, FrameworkHyperparameter, ImageEnv, TRAINING_ENVIRONMENT, TrainingPathEnv, channelEnv, hyperparameterEnv } from '../../containers/contract/environment.ts';
import { type ChannelConfig, LOCAL_HOST, readHyperparameters, readInputDataConfig, writeProcessingConfig, writeTrainingConfig } from '../../containers/contract/job-config.ts';
import { extractModel, packModel } from '../../containers/contract/model-archive.ts';
import { CONTAINER_ROOT_ENV, ContainerPaths, ML_ROOT, ModelArchive, channelPath, containerPath, modelArtifactUri, underRoot } from '../../containers/contract/paths.ts';
import { ContentType, Serving, errorReason } from '../../containers/contract/serving.ts';
import { processingJob } from '../../containers/runtime/processing.ts';
import type { Booster } from '../../containers/runtime/xgboost.ts';
import { trainMain } from '../../containers/xgboost/train.ts';
import { createInferenceServer } from '../../containers/xgboost/serve.ts';
import { OutputDigest, jobFailureReason } from '../../local-runner/failure-reason.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const PYTHON = '/usr/bin/python3';
const PYTHON_DIR = join(REPO_ROOT, 'containers/python');

/** Runs Python code beside sagepipe's Python programs (standard library only; no bytecode left in the image's sources). */
function python(code: string, env: Record<string, string> = {}, args: string[] = []): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})\n${code}`, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', ...env },
    timeout: 30_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const ws = tempDir('sagepipe-contract-');
afterAll(() => ws.remove());
let folders = 0;
const jobRoot = () => {
  const root = join(ws.path, `job${folders++}`);
  mkdirSync(root, { recursive: true });
  return root;
};

const savedRoot = process.env[CONTAINER_ROOT_ENV];
afterEach(() => {
  if (savedRoot === undefined) delete process.env[CONTAINER_ROOT_ENV];
  else process.env[CONTAINER_ROOT_ENV] = savedRoot;
});

describe('the container contract', () => {
  it('GIVEN the TypeScript contract and its Python copy THEN every path, name, route and content type is the same', () => {
    const r = python('import json, sagepipe_contract as c\nprint(json.dumps(c.CONTRACT))');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      paths: ContainerPaths,
      containerRootEnv: CONTAINER_ROOT_ENV,
      localHost: LOCAL_HOST,
      modelArchive: ModelArchive,
      serving: Serving,
      contentType: ContentType,
      frameworkHyperparameter: FrameworkHyperparameter,
      frameworkEnv: FrameworkEnv,
      imageEnv: ImageEnv,
      trainingPathEnv: TrainingPathEnv,
      trainingEnvironment: TRAINING_ENVIRONMENT,
    });
  });

  it('GIVEN a job folder standing in for / THEN both languages map the same paths into it, and only /opt/ml and below', () => {
    const root = '/jobs/j1/';
    const paths = ['/opt/ml', '/opt/ml/model', ContainerPaths.failure, '/opt/mlx/model', '/tmp/scratch', 'relative/path'];
    const r = python(`import json, sagepipe_contract as c\nprint(json.dumps([c.container_path(p) for p in ${JSON.stringify(paths)}]))`, { [CONTAINER_ROOT_ENV]: root });
    expect(r.status, r.stderr).toBe(0);
    const ts = paths.map((p) => containerPath(p, { [CONTAINER_ROOT_ENV]: root }));
    expect(ts).toEqual(['/jobs/j1/opt/ml', '/jobs/j1/opt/ml/model', '/jobs/j1/opt/ml/output/failure', '/opt/mlx/model', '/tmp/scratch', 'relative/path']);
    expect(JSON.parse(r.stdout)).toEqual(ts);
    // In a container (no root named) paths are what they say.
    expect(containerPath(ContainerPaths.model, {})).toBe('/opt/ml/model');
  });

  it('GIVEN a training job folder the host wrote WHEN the images read it THEN they find the hyperparameters, channels and folders, and the SM_* environment names each', () => {
    const root = jobRoot();
    const channel = (type: string | null): ChannelConfig => ({ ContentType: type, TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' });
    const hyperparameters = { max_depth: '5', eta: '0.2', [FrameworkHyperparameter.program]: '"train.py"', [FrameworkHyperparameter.submitDirectory]: '"s3://b/src.tar.gz"' };
    const channels = { train: channel(ContentType.csv), validation: channel(null) };
    return writeTrainingConfig(root, { hyperparameters, channels }).then(() => {
      const env = { [CONTAINER_ROOT_ENV]: root };
      // The built-in XGBoost's readers.
      expect(readHyperparameters(env)).toEqual(hyperparameters);
      expect(readInputDataConfig(env)).toEqual(channels);
      for (const dir of [ContainerPaths.model, ContainerPaths.outputData]) expect(existsSync(underRoot(root, dir)), dir).toBe(true);
      // Framework mode's SM_* environment, built by sagepipe_training.py from the same files.
      const r = python(
        [
          'import json',
          'from sagepipe_contract import PATHS, container_path',
          'from sagepipe_training import decode, environment, read_json, to_cmd_args',
          'hps = {k: decode(v) for k, v in read_json(PATHS["hyperparameters"], {}).items()}',
          'user = {k: v for k, v in hps.items() if not k.startswith("sagemaker_")}',
          'print(json.dumps(environment(hps, user, to_cmd_args(user), hps["sagemaker_program"], container_path(PATHS["code"]))))',
        ].join('\n'),
        env,
      );
      expect(r.status, r.stderr).toBe(0);
      const sm = JSON.parse(r.stdout) as Record<string, string>;
      expect(Object.keys(sm).sort()).toEqual([...TRAINING_ENVIRONMENT, channelEnv('train'), channelEnv('validation'), hyperparameterEnv('max_depth'), hyperparameterEnv('eta')].sort());
      expect(sm[channelEnv('train')]).toBe(underRoot(root, channelPath('train')));
      for (const [name, path] of Object.entries(TrainingPathEnv)) expect(sm[name], name).toBe(underRoot(root, path));
      expect(JSON.parse(sm.SM_CHANNELS as string)).toEqual(['train', 'validation']);
      expect(JSON.parse(sm.SM_INPUT_DATA_CONFIG as string)).toEqual(channels);
      expect(JSON.parse(sm.SM_HPS as string)).toEqual({ max_depth: 5, eta: 0.2 });
      expect([sm.SM_CURRENT_HOST, JSON.parse(sm.SM_HOSTS as string), sm.SM_USER_ENTRY_POINT]).toEqual([LOCAL_HOST, [LOCAL_HOST], 'train.py']);
    });
  });

  it('GIVEN a processing job config the host wrote WHEN the script asks for its inputs and outputs THEN it gets their folders in the job folder', async () => {
    const root = jobRoot();
    const input = `${ContainerPaths.processing}/input/raw`;
    const output = `${ContainerPaths.processing}/train`;
    await writeProcessingConfig(root, {
      ProcessingJobName: 'prep-1',
      ProcessingInputs: [{ InputName: 'raw', S3Input: { LocalPath: input } }],
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { LocalPath: output } }] },
    });
    process.env[CONTAINER_ROOT_ENV] = root;
    const job = processingJob(['--split', '0.2']);
    expect([job.input('raw'), job.output('train')]).toEqual([underRoot(root, input), underRoot(root, output)]);
    expect(() => job.input('code')).toThrow(/no input 'code' \(inputs: raw\)/);
    expect(JSON.parse(readFileSync(underRoot(root, ContainerPaths.processingResourceConfig), 'utf8'))).toEqual({ current_host: LOCAL_HOST, hosts: [LOCAL_HOST] });
  });

  it('GIVEN a model folder WHEN the host packs it and unpacks it for an inference container THEN the files are at the archive root, byte for byte', async () => {
    const model = join(jobRoot(), 'model');
    mkdirSync(join(model, 'code'), { recursive: true });
    writeFileSync(join(model, ModelArchive.xgboostModel), 'booster bytes');
    writeFileSync(join(model, 'code', 'inference.py'), 'def model_fn(d): pass\n');
    const archive = join(ws.path, ModelArchive.file);
    await packModel(model, archive, ['code', ModelArchive.xgboostModel]);
    const served = underRoot(jobRoot(), ContainerPaths.model);
    await extractModel(archive, served);
    expect(readdirSync(served).sort()).toEqual(['code', ModelArchive.xgboostModel]);
    expect(readFileSync(join(served, ModelArchive.xgboostModel), 'utf8')).toBe('booster bytes');
    // The Python SDK's repacked inference code is where sagepipe_serving.py looks for it.
    expect(existsSync(join(served, 'code', 'inference.py'))).toBe(true);
    expect(underRoot('/r', ContainerPaths.modelCode)).toBe(join('/r', ContainerPaths.model, 'code'));
    expect(modelArtifactUri('s3://b/models/', 'train-1')).toBe('s3://b/models/train-1/output/model.tar.gz');
  });

  it('GIVEN the built-in XGBoost rejecting its hyperparameters WHEN the host reads why THEN the reason it wrote to the failure file is the job\'s', async () => {
    const root = jobRoot();
    await writeTrainingConfig(root, { hyperparameters: { num_round: 'many' }, channels: {} });
    process.env[CONTAINER_ROOT_ENV] = root;
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await trainMain();
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(1);
    const { reason, fromFailureFile } = await jobFailureReason(root, code, new OutputDigest(), 'log hint');
    expect(fromFailureFile).toBe(true);
    expect(reason).toMatch(/^ClientError: .*num_round.* \(exit code 1; log hint\)$/);
  });

  it('GIVEN sagepipe_entry.py refusing a job WHEN the host reads why THEN the reason it wrote to the failure file is the job\'s', async () => {
    const root = jobRoot();
    const r = spawnSync(PYTHON, [join(PYTHON_DIR, 'sagepipe_entry.py'), 'train'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', [CONTAINER_ROOT_ENV]: root, [ImageEnv.image]: 'sklearn' },
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(1);
    const { reason, fromFailureFile } = await jobFailureReason(root, 1, new OutputDigest(), 'log hint');
    expect(fromFailureFile).toBe(true);
    expect(reason).toMatch(/^ClientError: training on sagepipe-sklearn needs a script: set the sagemaker_program/);
  });

  it('GIVEN the images\' Dockerfiles THEN they work in /opt/ml and serve on the port the host publishes, named as the contract names them', () => {
    const dockerfile = (image: string) => readFileSync(join(REPO_ROOT, 'containers', image, 'Dockerfile'), 'utf8');
    for (const image of ['xgboost', 'sklearn', 'node']) expect(dockerfile(image), image).toMatch(new RegExp(`^WORKDIR ${ML_ROOT}$`, 'm'));
    for (const image of ['xgboost', 'sklearn']) {
      const text = dockerfile(image);
      expect(text, image).toMatch(new RegExp(`^EXPOSE ${Serving.port}$`, 'm'));
      expect(text, image).toContain(`${Serving.portEnv}=${Serving.port}`);
      expect(text, image).toContain(`${ImageEnv.image}=${image}`);
    }
    expect(dockerfile('xgboost')).toMatch(new RegExp(`${ImageEnv.node}=\\S+ ${ImageEnv.xgboostMain}=/opt/sagepipe/main.mjs`));
  });

  it('GIVEN the built-in XGBoost\'s inference server THEN it answers on the contract\'s routes, and the host reads its error answers\' reasons', async () => {
    // No request below reaches the model.
    const server = createInferenceServer({} as Booster);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}${Serving.ping}`)).status).toBe(200);
      const refused = await fetch(`${url}${Serving.invocations}`, { method: 'POST', headers: { 'Content-Type': 'text/x-unknown' }, body: '1,2' });
      expect(refused.status).toBe(415);
      expect(errorReason(await refused.text())).toBe(`content type 'text/x-unknown' is not supported (${ContentType.csv}, ${ContentType.json})`);
      const missing = await fetch(`${url}/predict`, { method: 'POST', body: '1' });
      expect([missing.status, errorReason(await missing.text())]).toEqual([404, `no route POST /predict (use GET ${Serving.ping}, POST ${Serving.invocations})`]);
      // A script's plain-text answer is its own reason.
      expect(errorReason(' model not loaded \n')).toBe('model not loaded');
    } finally {
      server.close();
    }
  });
});
