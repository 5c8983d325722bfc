/**
 * The container's file contract: SageMaker's `/opt/ml` layout, which the host prepares for a job and the images read
 * and write. Pure data (no imports): the SDK, the local runner and the step images all spell these paths from here.
 * containers/python/sagepipe_contract.py holds the same values for the Python programs; a test keeps them equal.
 */

export const ML_ROOT = '/opt/ml';

export const ContainerPaths = {
  root: ML_ROOT,
  /** Training: the config files SageMaker writes before the container starts. */
  inputConfig: `${ML_ROOT}/input/config`,
  hyperparameters: `${ML_ROOT}/input/config/hyperparameters.json`,
  inputDataConfig: `${ML_ROOT}/input/config/inputdataconfig.json`,
  resourceConfig: `${ML_ROOT}/input/config/resourceconfig.json`,
  input: `${ML_ROOT}/input`,
  /** Training channels: `<inputData>/<channel>` (see `channelPath`). */
  inputData: `${ML_ROOT}/input/data`,
  /** What a training job leaves here is packed into model.tar.gz; what an inference container is given, extracted. */
  model: `${ML_ROOT}/model`,
  output: `${ML_ROOT}/output`,
  /** A failed job's reason, the first lines of which become its FailureReason. */
  failure: `${ML_ROOT}/output/failure`,
  outputData: `${ML_ROOT}/output/data`,
  outputIntermediate: `${ML_ROOT}/output/intermediate`,
  /** A framework-mode job's source (sagemaker_submit_directory / SAGEMAKER_SUBMIT_DIRECTORY), extracted. */
  code: `${ML_ROOT}/code`,
  /** Where the Python SDK repacks an inference script into the model archive. */
  modelCode: `${ML_ROOT}/model/code`,
  /** Processing: every input's and output's LocalPath lies below this folder. */
  processing: `${ML_ROOT}/processing`,
  /** The input named `code`: a processing job's script (the Python SDK's layout, and sagepipe's bundles). */
  processingCode: `${ML_ROOT}/processing/input/code`,
  processingJobConfig: `${ML_ROOT}/config/processingjobconfig.json`,
  processingResourceConfig: `${ML_ROOT}/config/resourceconfig.json`,
} as const;

/** A training channel's folder. */
export const channelPath = (channel: string): string => `${ContainerPaths.inputData}/${channel}`;

/** `/opt/ml` itself or a path below it (not `/opt/mlx`). */
export const isContainerPath = (path: string): boolean => path === ML_ROOT || path.startsWith(`${ML_ROOT}/`);

/** A processing input's or output's LocalPath must lie below /opt/ml/processing/. */
export const isProcessingPath = (path: string): boolean => path.startsWith(`${ContainerPaths.processing}/`);

/**
 * The host folder that stands in for a container's `/`: the process runtime names it in this variable, so programs
 * look `/opt/ml/...` up below it; in a container it is unset and paths are what they say.
 */
export const CONTAINER_ROOT_ENV = 'SAGEPIPE_CONTAINER_ROOT';

/** Where a container path lies in a job folder standing in for `/` (trusted paths; input goes through confine.ts). */
export const underRoot = (root: string, path: string): string => `${root.replace(/\/+$/, '')}${path}`;

/** A container path as the running program opens it: below SAGEPIPE_CONTAINER_ROOT where that is set. */
export function containerPath(path: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const root = env[CONTAINER_ROOT_ENV];
  return root && isContainerPath(path) ? underRoot(root, path) : path;
}

/** The model archive: what a training job leaves in /opt/ml/model, packed flat (its files at the archive's root). */
export const ModelArchive = {
  file: 'model.tar.gz',
  /** S3ModelArtifacts is `<OutputDataConfig.S3OutputPath>/<job name>/output/model.tar.gz`. */
  artifactSuffix: 'output/model.tar.gz',
  /** The built-in XGBoost algorithm's model file in the archive (XGBoost 1.7's binary format). */
  xgboostModel: 'xgboost-model',
} as const;

/** A training job's S3ModelArtifacts. */
export const modelArtifactUri = (outputPath: string, jobName: string): string => `${outputPath.replace(/\/+$/, '')}/${jobName}/${ModelArchive.artifactSuffix}`;
