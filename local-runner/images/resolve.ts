/**
 * Image resolution, in one order for every job and endpoint: an override (`--image-map`, `imageMap` in
 * sagepipe.config.json) by exact URI, then by repository; sagepipe's own images; a local image already named with the
 * exact URI; the catalogue's stand-in for an AWS image; any other name as a local image. An AWS image nothing maps is
 * refused with how to map it (nothing is ever pulled).
 */
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { CATALOGUE, type ImagePurpose, PROJECT_IMAGES, type ProjectImage, describeSubstitution, lookUp, parseEcrUri, splitTag } from './catalogue.ts';
import { PROJECT_CONFIG_FILE } from '../config/project-config.ts';
import { type ContentTags, contentTag, versionTag } from './build-context.ts';

export interface ResolvedImage {
  /** The URI the definition names. */
  readonly requested: string;
  /** The local image to run. */
  readonly local: string;
  /** Set when it is one of sagepipe's own images (built from containers/ on demand). */
  readonly project: ProjectImage | undefined;
  /** How the local image was chosen. */
  readonly via: 'own' | 'override' | 'exact' | 'catalogue' | 'local';
  /** For an AWS image run by a stand-in or an override: what stood in, and where versions differ. */
  readonly substitution: string | undefined;
}

export interface ImageResolverOptions {
  /** sagepipe's version: the tag of its images. */
  readonly version: string;
  /** Image URI or repository → local image (the config file's, then `--image-map`'s over it). @default {} */
  readonly imageMap?: Readonly<Record<string, string>>;
  /** Whether a local image of exactly this name exists (the Docker runtime's; the process runtime has none). */
  readonly hasLocalImage?: (name: string) => Promise<boolean>;
  /**
   * The content hashes of sagepipe's images (Docker): `sagepipe-<image>:<version>` then runs as
   * `sagepipe-<image>:<version>-<hash12>`, the image built from this checkout's files. @default none: by version
   */
  readonly contentTags?: ContentTags;
}

const OWN = new RegExp(`^sagepipe-(${PROJECT_IMAGES.join('|')})$`);

export class ImageResolver {
  private readonly map: Readonly<Record<string, string>>;
  private readonly cache = new Map<string, Promise<ResolvedImage>>();
  constructor(private readonly options: ImageResolverOptions) {
    this.map = options.imageMap ?? {};
  }

  /** Memoised per URI and purpose: a run resolves each image once. */
  resolve(uri: string, purpose: ImagePurpose): Promise<ResolvedImage> {
    const key = `${purpose} ${uri}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.resolveOnce(uri, purpose);
      this.cache.set(key, found);
    }
    return found;
  }

  private override(uri: string): string | undefined {
    if (this.map[uri] !== undefined) return this.map[uri];
    const ecr = parseEcrUri(uri);
    const [path] = splitTag(uri);
    const candidates = ecr ? [path, ecr.repository, ecr.repository.split('/').pop() ?? ''] : [path];
    for (const c of candidates) if (this.map[c] !== undefined) return this.map[c];
    return undefined;
  }

  /** sagepipe's own image of this version → its content tag; anything else as it is. */
  private byContent(image: ResolvedImage): ResolvedImage {
    const tags = this.options.contentTags;
    if (!image.project || !tags || image.local !== versionTag(image.project, tags.version)) return image;
    return { ...image, local: contentTag(image.project, tags) };
  }

  private async resolveOnce(uri: string, purpose: ImagePurpose): Promise<ResolvedImage> {
    return this.byContent(await this.resolveName(uri, purpose));
  }

  private async resolveName(uri: string, purpose: ImagePurpose): Promise<ResolvedImage> {
    if (uri.trim() === '') throw new SagepipeError(ErrorCode.ImageUnavailable, 'the job names no image');
    const ecr = parseEcrUri(uri);
    const overridden = this.override(uri);
    if (overridden !== undefined) {
      const local = overridden.includes(':') ? overridden : `${overridden}:latest`;
      const own = OWN.exec(splitTag(local)[0]);
      return { requested: uri, local, project: own ? (own[1] as ProjectImage) : undefined, via: 'override', substitution: `${shortName(uri)} → ${local} (mapped)` };
    }
    const [path, tag] = splitTag(ecr ? ecr.repository : uri);
    const own = OWN.exec(path.split('/').pop() ?? path);
    if (own) return { requested: uri, local: `sagepipe-${own[1]}:${(ecr ? ecr.tag : tag) ?? 'latest'}`, project: own[1] as ProjectImage, via: 'own', substitution: undefined };
    if (!ecr) return { requested: uri, local: tag ? uri : `${uri}:latest`, project: undefined, via: 'local', substitution: undefined };
    if (this.options.hasLocalImage && (await this.options.hasLocalImage(uri))) {
      return { requested: uri, local: uri, project: undefined, via: 'exact', substitution: undefined };
    }
    const match = lookUp(ecr, purpose);
    if (match) {
      const local = `sagepipe-${match.entry.local}:${this.options.version}`;
      return { requested: uri, local, project: match.entry.local, via: 'catalogue', substitution: describeSubstitution(ecr, match, local) };
    }
    const name = ecr.repository.split('/').pop() ?? ecr.repository;
    const known = CATALOGUE.filter((e) => e.purposes.includes(purpose)).map((e) => e.repository);
    throw new SagepipeError(
      ErrorCode.ImageUnavailable,
      `image ${uri} is an AWS image with no local stand-in for ${purpose} (known: ${known.join(', ')}), and sagepipe pulls nothing. ` +
        `Map it to a local image: --image-map ${name}=<local image>, or "imageMap": { "${name}": "<local image>" } in ${PROJECT_CONFIG_FILE}, ` +
        `or tag a local image as ${uri}`,
      { path: uri },
    );
  }
}

/** The label the Python images carry (containers/{sklearn,xgboost}/Dockerfile). */
export const PYTHON_IMAGE_LABEL = 'sagepipe.python';

/**
 * Whether a resolved image is present and current: sagepipe's Python images of the same tag built by an earlier
 * sagepipe (before they held Python) count as missing, so they are rebuilt instead of failing with "python3: not found".
 */
export async function imageReady(
  runtime: { hasImage(image: string): Promise<boolean>; imageLabels?(image: string): Promise<Readonly<Record<string, string>> | undefined> },
  image: ResolvedImage,
): Promise<boolean> {
  if (!(await runtime.hasImage(image.local))) return false;
  if ((image.project === 'sklearn' || image.project === 'xgboost') && runtime.imageLabels) {
    const labels = await runtime.imageLabels(image.local);
    return labels?.[PYTHON_IMAGE_LABEL] !== undefined;
  }
  return true;
}

function shortName(uri: string): string {
  const ecr = parseEcrUri(uri);
  return ecr ? `${ecr.repository.split('/').pop()}:${ecr.tag}` : uri;
}
