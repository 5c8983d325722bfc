/**
 * The Python images' base, built offline: a Debian bookworm root file system made by `mmdebstrap` from Debian's own
 * packages (Python 3.11, scikit-learn 1.2, pandas, NumPy, SciPy, joblib, XGBoost 1.7 with libxgboost) from this
 * machine's apt mirror, with this machine's Node.js copied in (Debian's glibc and libstdc++ are there) so the XGBoost
 * image's TypeScript programs run too. The tarball is imported into Docker as PYTHON_BASE_IMAGE and reused by every
 * Python image; it is built only when that image is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpathSync } from 'node:fs';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { lineSplitter } from '../runtime/runtime.ts';

export const PYTHON_BASE_IMAGE = 'sagepipe-base:python-bookworm';

/** Debian packages the base holds: what AWS's scikit-learn and XGBoost containers give a script. */
export const PYTHON_BASE_PACKAGES = [
  'python3',
  'python3-sklearn',
  'python3-pandas',
  'python3-numpy',
  'python3-scipy',
  'python3-joblib',
  'python3-xgboost',
  'libxgboost0',
  'libstdc++6',
] as const;

/** Paths no job needs at run time (compilers and headers that python3-scipy's build helpers pull in, docs). */
export const PYTHON_EXCLUDED_PATHS = [
  '/usr/share/man/*',
  '/usr/share/doc/*',
  '/usr/share/info/*',
  '/usr/share/locale/*',
  '/usr/include/*',
  '/usr/lib/gcc/*',
  '/usr/lib/x86_64-linux-gnu/*.a',
  '/usr/lib/x86_64-linux-gnu/lib*san.so*',
];

/** The host's apt sources, so the root file system comes from the same mirror apt uses here. */
function hostMirror(): string[] {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) if (existsSync(file)) return [file];
  return [];
}

/** The mmdebstrap command line that writes the root file system as a tarball at `output`. */
export function mmdebstrapArgs(output: string, node: string): string[] {
  return [
    '--variant=essential',
    `--include=${PYTHON_BASE_PACKAGES.join(',')}`,
    ...PYTHON_EXCLUDED_PATHS.map((p) => `--dpkgopt=path-exclude=${p}`),
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    `--customize-hook=copy-in ${node} /usr/local/bin`,
    'bookworm',
    output,
    ...hostMirror(),
  ];
}

/** Writes the root file system tarball (about 80 s with a warm apt mirror), reporting mmdebstrap's progress lines. */
export async function buildPythonRootfs(output: string, progress: (line: string) => void): Promise<void> {
  const node = realpathSync(process.execPath);
  const args = mmdebstrapArgs(output, node);
  progress(`mmdebstrap: a Debian bookworm root file system with ${PYTHON_BASE_PACKAGES.join(', ')} and Node.js ${process.version} (once, for every Python image: 1½ to 5 minutes)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('mmdebstrap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const emit = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 10) tail.shift();
      progress(line);
    };
    const out = lineSplitter(emit);
    const err = lineSplitter(emit);
    child.stdout.on('data', (c: Buffer) => out.write(c));
    child.stderr.on('data', (c: Buffer) => err.write(c));
    child.on('error', (error) => {
      reject(
        new SagepipeError(
          ErrorCode.ImageUnavailable,
          `cannot run mmdebstrap (${error.message}): install it (apt-get install mmdebstrap) to build sagepipe's Python images offline`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code) => {
      out.end();
      err.end();
      if (code === 0) resolve();
      else reject(new SagepipeError(ErrorCode.ImageUnavailable, `mmdebstrap failed with exit code ${code}: ${tail.slice(-3).join(' | ')}`));
    });
  });
}
