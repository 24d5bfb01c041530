import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NATIVE_BUILD_RECORD, nativeBindingPath, nativePackageDir, nativeTurnedOff, readNativeBuildRecord, type NativeBuildRecord, type NativePackage } from '@nextframe/tf-backend';
import { compileBinding, loadNative, stageDeps } from './build-binding';
import { officialDownloadUrl, reachable, runOfficialInstall } from './official-download';
import { DEFAULT_WHEEL_REQUIREMENT, downloadWheel, extractWheel, findInstalledTensorFlow, findPython, wheelCacheDir, type TensorFlowFiles } from './python-tensorflow';
import { runCommand } from './run-command';

export interface InstallOptions {
  /** Where to resolve the packages from (the workspace root). */
  root: string;
  env?: NodeJS.ProcessEnv;
  /** One progress line at a time. */
  log?: (line: string) => void;
}

export interface InstallOutcome {
  pkg: NativePackage;
  /** The build now in place (found or made), or undefined. */
  record?: NativeBuildRecord;
  /** Whether this call built it (false: it was already there, or nothing was built). */
  builtNow: boolean;
  /** Why each way of getting TensorFlow was not taken, one short phrase each. */
  why: string[];
}

type Attempt = { name: string; run: () => Promise<string | { source: string }> };

/**
 * Make `pkg` loadable, trying in turn: what is already built; a wheel named by
 * `NEXTFRAME_TENSORFLOW_WHEEL`; tfjs-node's own download, where its host answers; a TensorFlow
 * installed in the machine's Python; a wheel `pip download` fetches (`NEXTFRAME_TENSORFLOW_PIP`,
 * default `tensorflow-cpu==2.21.0`; CPU package only). The GPU package is built only where
 * `nvidia-smi` finds a GPU, from the official download or an installed CUDA TensorFlow. Never
 * throws: a package that cannot be built is reported with the reasons.
 */
export async function installNative(pkg: NativePackage, options: InstallOptions): Promise<InstallOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const gpu = pkg.endsWith('-gpu');
  const dir = nativePackageDir(pkg, options.root);
  if (!dir) return { pkg, builtNow: false, why: ['not installed'] };
  if (nativeTurnedOff(env)) return { pkg, builtNow: false, why: ['NEXTFRAME_NATIVE=off'] };
  const existing = readNativeBuildRecord(dir);
  if (existing && nativeBindingPath(dir) && env.NEXTFRAME_NATIVE !== 'rebuild') {
    log(`${pkg}: checking the build in place (TensorFlow ${existing.tensorflowVersion})…`);
    if ('version' in loadNative(dir)) return { pkg, record: existing, builtNow: false, why: [] };
  }
  if (gpu) {
    const smi = runCommand('nvidia-smi', ['-L'], { timeoutMs: 20000 });
    if (!smi.ok || !smi.stdout.includes('GPU')) return { pkg, builtNow: false, why: ['no NVIDIA GPU (nvidia-smi found none)'] };
  }
  const logFile = path.join(os.tmpdir(), `nextframe-native-${pkg.replace(/\W+/g, '-')}.log`);
  const python = () => findPython(env);
  const fromFiles = (files: TensorFlowFiles, how: 'link' | 'move', source: string) => {
    log(`${pkg}: compiling the binding against ${files.distribution} (node-gyp, about 30 s)…`);
    stageDeps(dir, files, how);
    const compiled = compileBinding(dir, logFile, files.cuda ? [fs.realpathSync(files.dir), ...files.nvidiaLibDirs] : []);
    return compiled.ok ? { source } : `the binding did not compile (${compiled.why}; log: ${logFile})`;
  };
  const fromWheel = (wheel: string, source: string): string | { source: string } => {
    const py = python();
    if (!py) return 'no python3 to unpack the wheel';
    log(`${pkg}: unpacking TensorFlow's C libraries from ${path.basename(wheel)}…`);
    const unpacked = fs.mkdtempSync(path.join(dir, '.wheel-'));
    try {
      const files = extractWheel(py, wheel, unpacked);
      return typeof files === 'string' ? files : fromFiles(files, 'move', source);
    } finally {
      fs.rmSync(unpacked, { recursive: true, force: true });
    }
  };
  const attempts: Attempt[] = [
    {
      name: 'NEXTFRAME_TENSORFLOW_WHEEL',
      run: async () => {
        const wheel = env.NEXTFRAME_TENSORFLOW_WHEEL;
        if (!wheel) return 'not set';
        if (!fs.existsSync(wheel)) return `${wheel} does not exist`;
        return fromWheel(wheel, `the wheel ${path.basename(wheel)} (NEXTFRAME_TENSORFLOW_WHEEL)`);
      },
    },
    {
      name: "tfjs-node's own download",
      run: async () => {
        const url = officialDownloadUrl(env);
        log(`${pkg}: trying tfjs-node's own download (${new URL(url).host})…`);
        if (!(await reachable(url))) return `${new URL(url).host} unreachable`;
        const run = runOfficialInstall(dir, gpu, logFile);
        return run.ok ? { source: `tfjs-node's own download (libtensorflow${gpu ? ' GPU' : ''})` } : `its install failed (${run.why}; log: ${logFile})`;
      },
    },
    {
      name: "Python's tensorflow",
      run: async () => {
        const py = python();
        if (!py) return 'no python3';
        const found = findInstalledTensorFlow(py);
        if (typeof found === 'string') return found;
        if (gpu && !found.cuda) return `${found.distribution} is not a CUDA build`;
        return fromFiles(found, 'link', `${found.distribution} installed in ${py}'s environment`);
      },
    },
    {
      name: "pip's tensorflow wheel",
      run: async () => {
        if (gpu) return 'not tried for the GPU package (pip install "tensorflow[and-cuda]" first)';
        const py = python();
        if (!py) return 'no python3 with pip';
        const requirement = env.NEXTFRAME_TENSORFLOW_PIP || DEFAULT_WHEEL_REQUIREMENT;
        log(`${pkg}: fetching ${requirement} with pip (about 270 MB, cached in ${wheelCacheDir(env)})…`);
        const wheel = downloadWheel(py, requirement, wheelCacheDir(env));
        if (typeof wheel !== 'string') return wheel.error;
        return fromWheel(wheel, `pip's ${path.basename(wheel).split('-').slice(0, 2).join(' ').replace(/_/g, '-')} wheel`);
      },
    },
  ];
  const why: string[] = [];
  for (const attempt of attempts) {
    const result = await attempt.run().catch((error: unknown) => `failed (${error instanceof Error ? error.message : String(error)})`);
    if (typeof result === 'string') {
      if (result !== 'not set') why.push(`${attempt.name}: ${result}`);
      continue;
    }
    const loaded = loadNative(dir);
    if ('error' in loaded) {
      why.push(`${attempt.name}: built but did not load (${loaded.error})`);
      continue;
    }
    const record: NativeBuildRecord = { tensorflowVersion: loaded.version, source: result.source, builtAt: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, NATIVE_BUILD_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    return { pkg, record, builtNow: true, why };
  }
  // Nothing loadable: leave no binding behind, so loading fails at once with "not built".
  fs.rmSync(path.join(dir, 'lib'), { recursive: true, force: true });
  return { pkg, builtNow: false, why };
}
