/**
 * `sagepipe/container`: helpers for scripts that run in sagepipe's step images (processing jobs) and for the images'
 * own programs. Bundled into each staged script, so nothing here needs installing in the image but ml-xgboost.
 */
export { containerPath, CONTAINER_ROOT_ENV, ContainerPaths, ModelArchive, channelPath } from '../contract/paths.ts';
export { processingJob, argument, PROCESSING_CONFIG, type ProcessingJob } from './processing.ts';
export { parseCsv, parseNumericCsv, readNumericCsvFiles, formatNumericCsv, CsvError } from './csv.ts';
export { readCsvColumns, parseCsvColumns, ChunkedWriter, type CsvTable, type DictColumn } from './columns.ts';
export { extractModel, packModel } from '../contract/model-archive.ts';
export { Booster, loadWasm, openXGBoost, type Matrix } from './xgboost.ts';
export { binaryMetrics, logLoss, rocAuc, rmse, mae, errorRate, type BinaryMetrics } from './metrics.ts';
