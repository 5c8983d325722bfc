import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON_BASE_PACKAGES, mmdebstrapArgs } from '../../../local-runner/images/python-base.ts';

describe("the Python images' base", () => {
  it("GIVEN the mmdebstrap command line THEN it installs Debian's scientific Python and libxgboost, copies this Node.js in and writes a tarball", () => {
    const node = realpathSync(process.execPath);
    const args = mmdebstrapArgs('/tmp/out.tar', node);
    expect(args[0]).toBe('--variant=essential');
    const include = args.find((a) => a.startsWith('--include='))?.slice('--include='.length).split(',');
    expect(include).toEqual([...PYTHON_BASE_PACKAGES]);
    for (const p of ['python3-sklearn', 'python3-pandas', 'python3-xgboost', 'libxgboost0', 'python3-scipy', 'python3-joblib']) expect(include).toContain(p);
    expect(args).toContain(`--customize-hook=copy-in ${node} /usr/local/bin`);
    expect(args).toContain('--dpkgopt=path-exclude=/usr/include/*');
    const suite = args.indexOf('bookworm');
    expect(args[suite + 1]).toBe('/tmp/out.tar');
  });
});
