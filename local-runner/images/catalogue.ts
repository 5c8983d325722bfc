/**
 * The image catalogue: which local image stands in for each AWS-managed image. AWS's images are recognised by their
 * repository, whatever the account, region or tag, and mapped to a sagepipe image that honours the same container
 * contract. One table, so adding a framework is one row.
 */

/** sagepipe's own images, built from containers/<name>/. */
export const PROJECT_IMAGES = ['xgboost', 'node', 'sklearn'] as const;
export type ProjectImage = (typeof PROJECT_IMAGES)[number];

/** What a job uses an image for: the contract it must honour. */
export type ImagePurpose = 'processing' | 'training' | 'inference';

/** What the Python images hold: Debian bookworm's packages (see containers/python/build-rootfs). */
export const PYTHON_IMAGE_VERSIONS = { python: '3.11', 'scikit-learn': '1.2.1', xgboost: '1.7.4', pandas: '1.5.3', numpy: '1.24.2' } as const;

export interface CatalogueEntry {
  /** The ECR repository name AWS publishes (the last path segment). */
  readonly repository: string;
  /** The framework whose version the tag carries. */
  readonly framework: 'scikit-learn' | 'xgboost';
  /** The framework versions AWS published, as tags spell them (`0.23-1`; the Python SDK's image_uri_config). */
  readonly versions: readonly string[];
  readonly local: ProjectImage;
  /** The framework version the local image holds. */
  readonly localVersion: string;
  readonly purposes: readonly ImagePurpose[];
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    repository: 'sagemaker-scikit-learn',
    framework: 'scikit-learn',
    versions: ['0.20.0', '0.20-0', '0.23-1', '1.0-1', '1.2-1', '1.4-2'],
    local: 'sklearn',
    localVersion: PYTHON_IMAGE_VERSIONS['scikit-learn'],
    purposes: ['processing', 'training', 'inference'],
  },
  {
    repository: 'sagemaker-xgboost',
    framework: 'xgboost',
    versions: ['0.90-1', '0.90-2', '1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1', '3.0-5'],
    local: 'xgboost',
    localVersion: PYTHON_IMAGE_VERSIONS.xgboost,
    purposes: ['processing', 'training', 'inference'],
  },
  // The first-generation built-in algorithm (`xgboost:1`): the same train/serve contract.
  { repository: 'xgboost', framework: 'xgboost', versions: ['1'], local: 'xgboost', localVersion: PYTHON_IMAGE_VERSIONS.xgboost, purposes: ['training', 'inference'] },
];

/** An ECR image URI, split. */
export interface EcrImage {
  readonly account: string;
  readonly region: string;
  /** The repository path (may hold slashes). */
  readonly repository: string;
  readonly tag: string;
}

/** Amazon ECR in every partition: aws, aws-cn (.com.cn) and the isolated regions' hosts. */
const ECR = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)\/(.+)$/;

export function parseEcrUri(uri: string): EcrImage | undefined {
  const m = ECR.exec(uri);
  if (!m) return undefined;
  const [repository, tag] = splitTag(m[3] as string);
  return { account: m[1] as string, region: m[2] as string, repository, tag: tag ?? 'latest' };
}

/** `repo:tag` → [repo, tag]; a colon inside a registry host's port is not a tag. */
export function splitTag(path: string): [string, string | undefined] {
  const at = path.lastIndexOf(':');
  if (at > path.lastIndexOf('/')) return [path.slice(0, at), path.slice(at + 1)];
  return [path, undefined];
}

export interface CatalogueMatch {
  readonly entry: CatalogueEntry;
  /** The framework version the tag names (`0.23-1`), when it names one. */
  readonly requestedVersion: string | undefined;
}

/** The catalogue's entry for an AWS image, or undefined when it does not know the repository or the purpose. */
export function lookUp(image: EcrImage, purpose: ImagePurpose): CatalogueMatch | undefined {
  const name = image.repository.split('/').pop() ?? image.repository;
  const entry = CATALOGUE.find((e) => e.repository === name && e.purposes.includes(purpose));
  if (!entry) return undefined;
  const version = /^(\d+(?:\.\d+){0,2}(?:-\d+)?)/.exec(image.tag)?.[1];
  return { entry, requestedVersion: version };
}

/** How a substitution reads: `sagemaker-scikit-learn:0.23-1-cpu-py3 → sagepipe-sklearn (scikit-learn 1.2.1)`. */
export function describeSubstitution(image: EcrImage, match: CatalogueMatch, local: string): string {
  const name = image.repository.split('/').pop() ?? image.repository;
  const known = match.requestedVersion !== undefined && match.entry.versions.includes(match.requestedVersion);
  const note = known || match.requestedVersion === undefined ? '' : `; ${match.requestedVersion} is not a version AWS published for ${name}`;
  return `${name}:${image.tag} → ${local.replace(/:[^:/]*$/, '')} (${match.entry.framework} ${match.entry.localVersion}${note})`;
}
