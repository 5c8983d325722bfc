/**
 * The environment and hyperparameter names of the container contract: those that choose framework (script) mode, the
 * SM_* variables a training script gets (as SageMaker's training toolkit sets them), and the variables sagepipe's
 * runtimes give its own images. Pure data; containers/python/sagepipe_contract.py holds the same names.
 */
import { ContainerPaths } from './paths.ts';

/** Hyperparameters that make a training job run a user's script (the Python SDK's estimators with `entry_point`). */
export const FrameworkHyperparameter = {
  program: 'sagemaker_program',
  submitDirectory: 'sagemaker_submit_directory',
  logLevel: 'sagemaker_container_log_level',
} as const;

/** A model's environment that makes an inference container serve a user's script. */
export const FrameworkEnv = {
  program: 'SAGEMAKER_PROGRAM',
  submitDirectory: 'SAGEMAKER_SUBMIT_DIRECTORY',
} as const;

/** Variables sagepipe's runtimes set for its own images (the process runtime sets them; the Dockerfiles' ENV too). */
export const ImageEnv = {
  /** Which of sagepipe's images this is: `xgboost` or `sklearn`. */
  image: 'SAGEPIPE_IMAGE',
  /** The Node.js that runs the built-in XGBoost program. */
  node: 'SAGEPIPE_NODE',
  /** The built-in XGBoost program (dist/images/xgboost/main.mjs). */
  xgboostMain: 'SAGEPIPE_XGBOOST_MAIN',
} as const;

/** The SM_* variables that name container paths, and their paths. */
export const TrainingPathEnv = {
  SM_MODEL_DIR: ContainerPaths.model,
  SM_INPUT_DIR: ContainerPaths.input,
  SM_INPUT_CONFIG_DIR: ContainerPaths.inputConfig,
  SM_OUTPUT_DIR: ContainerPaths.output,
  SM_OUTPUT_DATA_DIR: ContainerPaths.outputData,
  SM_OUTPUT_INTERMEDIATE_DIR: ContainerPaths.outputIntermediate,
} as const;

/** Every SM_* variable a framework-mode training script gets, besides one SM_CHANNEL_<NAME> and SM_HP_<NAME> each. */
export const TRAINING_ENVIRONMENT = [
  ...Object.keys(TrainingPathEnv),
  'SM_CHANNELS',
  'SM_INPUT_DATA_CONFIG',
  'SM_HPS',
  'SM_HOSTS',
  'SM_CURRENT_HOST',
  'SM_CURRENT_INSTANCE_TYPE',
  'SM_NETWORK_INTERFACE_NAME',
  'SM_RESOURCE_CONFIG',
  'SM_NUM_CPUS',
  'SM_NUM_GPUS',
  'SM_NUM_NEURONS',
  'SM_LOG_LEVEL',
  'SM_MODULE_NAME',
  'SM_MODULE_DIR',
  'SM_USER_ENTRY_POINT',
  'SM_USER_ARGS',
  'SM_FRAMEWORK_PARAMS',
  'SM_TRAINING_ENV',
] as const;

/** A channel's folder variable: `train` → SM_CHANNEL_TRAIN. */
export const channelEnv = (channel: string): string => `SM_CHANNEL_${channel.toUpperCase()}`;

/** A user hyperparameter's variable: `max_depth` → SM_HP_MAX_DEPTH. */
export const hyperparameterEnv = (name: string): string => `SM_HP_${name.toUpperCase()}`;
