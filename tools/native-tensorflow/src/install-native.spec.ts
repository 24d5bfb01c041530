import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { nativeBindingPath, readNativeBuildRecord } from '@nextframe/tf-backend';
import { installNative } from './install-native';
import { summaryLine } from './main';
import { DEFAULT_WHEEL_REQUIREMENT, downloadWheel, findPython, wheelCacheDir } from './python-tensorflow';

const workspace = path.resolve(__dirname, '..', '..', '..');
const tempDir = useTempDir('native', { each: true });
const closedPort = 'http://127.0.0.1:1/'; // refused at once: "the official host is unreachable"

/**
 * A workspace of its own whose node_modules links every installed package but a fresh copy of
 * @tensorflow/tfjs-node (its sources, no deps/, lib/ or build/), so a build here leaves the
 * workspace's own untouched.
 */
function sandbox(): string {
  const root = tempDir();
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(path.join(modules, '@tensorflow'), { recursive: true });
  const installed = path.join(workspace, 'node_modules');
  for (const entry of fs.readdirSync(installed)) {
    if (entry !== '@tensorflow' && !entry.startsWith('.')) fs.symlinkSync(path.join(installed, entry), path.join(modules, entry));
  }
  for (const entry of fs.readdirSync(path.join(installed, '@tensorflow'))) {
    const from = path.join(installed, '@tensorflow', entry);
    const to = path.join(modules, '@tensorflow', entry);
    if (entry !== 'tfjs-node') fs.symlinkSync(from, to);
    else fs.cpSync(from, to, { recursive: true, filter: (source) => !['deps', 'lib', 'build'].includes(path.relative(from, source)) });
  }
  return root;
}

function nodeOnlyPath(): string {
  const bin = path.join(tempDir(), 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

describe('installNative', () => {
  it('without Python and with the download host unreachable: builds nothing and says why', async () => {
    const root = sandbox();
    const env = { ...process.env, NEXTFRAME_NATIVE: '', PATH: nodeOnlyPath(), PYTHON: '', TFJS_NODE_CDN_STORAGE: closedPort, NEXTFRAME_TENSORFLOW_WHEEL: '' };
    const lines: string[] = [];
    const outcome = await installNative('@tensorflow/tfjs-node', { root, env, log: (l) => lines.push(l) });
    expect(outcome.record).toBeUndefined();
    expect(outcome.builtNow).toBe(false);
    expect(outcome.why).toEqual([
      "tfjs-node's own download: 127.0.0.1:1 unreachable",
      "Python's tensorflow: no python3",
      "pip's tensorflow wheel: no python3 with pip",
    ]);
    expect(lines).toEqual(["@tensorflow/tfjs-node: trying tfjs-node's own download (127.0.0.1:1)…"]);
    const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
    expect(nativeBindingPath(dir)).toBeUndefined();
    expect(summaryLine(outcome)).toBe(
      "native TensorFlow: @tensorflow/tfjs-node not built (tfjs-node's own download: 127.0.0.1:1 unreachable; Python's tensorflow: no python3; pip's tensorflow wheel: no python3 with pip)",
    );
  });

  it('NEXTFRAME_NATIVE=off builds nothing; a missing named wheel is named', async () => {
    const root = sandbox();
    expect((await installNative('@tensorflow/tfjs-node', { root, env: { ...process.env, NEXTFRAME_NATIVE: 'off' } })).why).toEqual(['NEXTFRAME_NATIVE=off']);
    const env = { ...process.env, NEXTFRAME_NATIVE: '', PATH: nodeOnlyPath(), PYTHON: '', TFJS_NODE_CDN_STORAGE: closedPort, NEXTFRAME_TENSORFLOW_WHEEL: path.join(root, 'nope.whl') };
    const outcome = await installNative('@tensorflow/tfjs-node', { root, env });
    expect(outcome.why[0]).toBe(`NEXTFRAME_TENSORFLOW_WHEEL: ${path.join(root, 'nope.whl')} does not exist`);
  });

  it('the GPU package is built only where nvidia-smi finds a GPU', async () => {
    const root = sandbox();
    const outcome = await installNative('@tensorflow/tfjs-node-gpu', { root, env: { ...process.env, NEXTFRAME_NATIVE: '', PATH: nodeOnlyPath() } });
    expect(outcome).toEqual({ pkg: '@tensorflow/tfjs-node-gpu', builtNow: false, why: ['no NVIDIA GPU (nvidia-smi found none)'] });
  });

  const python = findPython();
  (python ? it : it.skip)('pip fails in seconds on a release no index has, naming it', () => {
    const result = downloadWheel(python as string, 'tensorflow-cpu==0.0.1', path.join(tempDir(), 'wheels'));
    expect(result).toEqual({ error: expect.stringMatching(/^pip download tensorflow-cpu==0\.0\.1 failed \(.+\)$/) });
  });

  // The real build, as `npm ci` does it: pip's wheel (fetched once into the user's cache by the
  // install, or here), unpacked, compiled with node-gyp, loaded in a fresh process; then a second
  // run finds it in place and builds nothing.
  (python ? it : it.skip)(
    'builds tfjs-node from a TensorFlow wheel, records where it came from, and keeps it on a second run',
    async () => {
      const root = sandbox();
      const wheel = downloadWheel(python as string, DEFAULT_WHEEL_REQUIREMENT, wheelCacheDir());
      if (typeof wheel !== 'string') throw new Error(wheel.error);
      const env = { ...process.env, NEXTFRAME_TENSORFLOW_WHEEL: wheel, NEXTFRAME_NATIVE: '' };
      const lines: string[] = [];
      const first = await installNative('@tensorflow/tfjs-node', { root, env, log: (l) => lines.push(l) });
      expect(first.why).toEqual([]);
      expect(first.builtNow).toBe(true);
      expect(first.record).toMatchObject({ tensorflowVersion: '2.21.0', source: `the wheel ${path.basename(wheel)} (NEXTFRAME_TENSORFLOW_WHEEL)` });
      expect(lines.map((l) => l.split(' (')[0].split(' against')[0].split(' from')[0])).toEqual([
        "@tensorflow/tfjs-node: unpacking TensorFlow's C libraries",
        '@tensorflow/tfjs-node: compiling the binding',
      ]);
      const dir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
      expect(readNativeBuildRecord(dir)).toEqual(first.record);
      expect(fs.readlinkSync(path.join(dir, 'deps', 'lib', 'libtensorflow.so'))).toBe('libtensorflow_cc.so.2');
      expect(fs.existsSync(path.join(dir, 'deps', 'include', 'tensorflow', 'c', 'c_api.h'))).toBe(true);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('.wheel-') || f.startsWith('deps.tmp'))).toEqual([]);
      const binding = nativeBindingPath(dir) as string;
      const builtAt = fs.statSync(binding).mtimeMs;

      const second = await installNative('@tensorflow/tfjs-node', { root, env });
      expect(second).toEqual({ pkg: '@tensorflow/tfjs-node', record: first.record, builtNow: false, why: [] });
      expect(fs.statSync(binding).mtimeMs).toBe(builtAt);
      expect(summaryLine(second)).toBe(`native TensorFlow: @tensorflow/tfjs-node in place, TensorFlow 2.21.0 from the wheel ${path.basename(wheel)} (NEXTFRAME_TENSORFLOW_WHEEL)`);
    },
    600000,
  );
});
