import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from './run-command';

/** The wheel fetched when no TensorFlow is installed: the version our tests ran on (issue #19). */
export const DEFAULT_WHEEL_REQUIREMENT = 'tensorflow-cpu==2.21.0';

/** A folder holding TensorFlow's C libraries and headers: an installed package or an unpacked wheel. */
export interface TensorFlowFiles {
  /** The folder with `libtensorflow_cc.so.2`, `libtensorflow_framework.so.2` and `include/`. */
  dir: string;
  /** `tensorflow-cpu 2.21.0`, from the package's metadata. */
  distribution: string;
  /** Whether it is a CUDA build (the `tensorflow` distribution with NVIDIA's libraries beside it). */
  cuda: boolean;
  /** Folders of NVIDIA's pip libraries (one lib folder per nvidia package), for a CUDA build's loader path. */
  nvidiaLibDirs: string[];
}

export const LIBRARY_FILES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'] as const;

/** The first Python 3 on this machine (`$PYTHON`, `python3`, `python`), or undefined. */
export function findPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const candidate of [env.PYTHON, 'python3', 'python'].filter((c): c is string => Boolean(c))) {
    const run = runCommand(candidate, ['-c', 'import sys; print(sys.version_info[0])'], { timeoutMs: 20000, env });
    if (run.ok && run.stdout.trim() === '3') return candidate;
  }
  return undefined;
}

// Finds the package without importing it (an import takes seconds and prints TensorFlow's logs).
const FIND_INSTALLED = `
import importlib.util, importlib.metadata, json, os, glob
spec = importlib.util.find_spec('tensorflow')
out = {}
if spec and spec.submodule_search_locations:
    d = list(spec.submodule_search_locations)[0]
    out['dir'] = d
    for name in ('tensorflow-cpu', 'tensorflow', 'tensorflow-gpu', 'tf-nightly', 'tf-nightly-cpu'):
        try:
            out['distribution'] = name + ' ' + importlib.metadata.version(name); break
        except Exception:
            pass
    site = os.path.dirname(d)
    out['nvidia'] = sorted(glob.glob(os.path.join(site, 'nvidia', '*', 'lib')))
print(json.dumps(out))
`;

/** TensorFlow installed in `python`'s environment with its C libraries, or why not. */
export function findInstalledTensorFlow(python: string): TensorFlowFiles | string {
  const run = runCommand(python, ['-c', FIND_INSTALLED], { timeoutMs: 30000 });
  if (!run.ok) return run.why;
  const found = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { dir?: string; distribution?: string; nvidia?: string[] };
  if (!found.dir) return `no tensorflow package in ${python}'s environment`;
  const missing = [...LIBRARY_FILES, 'include/tensorflow/c/c_api.h'].filter((f) => !fs.existsSync(path.join(found.dir as string, f)));
  if (missing.length) return `${found.distribution ?? 'tensorflow'} in ${python}'s environment lacks ${missing.join(', ')}`;
  const distribution = found.distribution ?? 'tensorflow';
  const nvidiaLibDirs = found.nvidia ?? [];
  return { dir: found.dir, distribution, cuda: distribution.startsWith('tensorflow ') && nvidiaLibDirs.length > 0, nvidiaLibDirs };
}

/** Where fetched wheels are kept between installs: `$NEXTFRAME_WHEEL_CACHE`, else the user's cache folder. */
export function wheelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NEXTFRAME_WHEEL_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'nextframe', 'wheels');
}

/**
 * A TensorFlow wheel: one already in the cache, else `pip download` through the machine's own
 * pip configuration (its index, find-links, proxy), failing fast on an index it cannot reach.
 */
export function downloadWheel(python: string, requirement: string, cacheDir: string): string | { error: string } {
  const name = requirement.split(/[=<>!~ ]/)[0].replace(/-/g, '_');
  const pinned = /==([\w.]+)$/.exec(requirement)?.[1];
  const cached = () =>
    fs.existsSync(cacheDir)
      ? fs.readdirSync(cacheDir).find((f) => f.endsWith('.whl') && f.startsWith(`${name}-${pinned ?? ''}`) && f.includes('linux') && f.includes('x86_64'))
      : undefined;
  const hit = pinned ? cached() : undefined;
  if (hit) return path.join(cacheDir, hit);
  fs.mkdirSync(cacheDir, { recursive: true });
  const run = runCommand(python, ['-m', 'pip', 'download', '-q', '--no-deps', '--only-binary', ':all:', '--retries', '0', '--timeout', '5', '-d', cacheDir, requirement], {
    timeoutMs: 20 * 60 * 1000,
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  const file = cached() ?? fs.readdirSync(cacheDir).find((f) => f.startsWith(`${name}-`) && f.endsWith('.whl'));
  if (!run.ok || !file) return { error: `pip download ${requirement} failed (${run.why || 'no wheel came'})` };
  return path.join(cacheDir, file);
}

// Unpacks only what the binding needs (the two libraries and the C API's headers): 78 of the
// wheel's 15,632 files, streamed by Python's zipfile rather than read whole into memory.
const EXTRACT = `
import sys, zipfile, os, shutil
wheel, out = sys.argv[1], sys.argv[2]
keep_prefixes = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tsl/platform/ctstring',
                 'tensorflow/include/tensorflow/core/platform/ctstring', 'tensorflow/include/xla/tsl/c/')
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if not n.endswith('/') and (n in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2') or n.startswith(keep_prefixes))]
    for n in names:
        target = os.path.join(out, n[len('tensorflow/'):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(n) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
print(len(names))
`;

/** Unpack a wheel's C libraries and headers into `outDir` (a fresh folder). */
export function extractWheel(python: string, wheel: string, outDir: string): TensorFlowFiles | string {
  const run = runCommand(python, ['-c', EXTRACT, wheel, outDir], { timeoutMs: 10 * 60 * 1000 });
  if (!run.ok) return `cannot unpack ${path.basename(wheel)} (${run.why})`;
  const missing = LIBRARY_FILES.filter((f) => !fs.existsSync(path.join(outDir, f)));
  if (missing.length) return `${path.basename(wheel)} holds no ${missing.join(' or ')} (not a TensorFlow 2 wheel for this platform?)`;
  const [dist, version] = path.basename(wheel).split('-');
  return { dir: outDir, distribution: `${dist.replace(/_/g, '-')} ${version}`, cuda: false, nvidiaLibDirs: [] };
}
