import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIBRARY_FILES, type TensorFlowFiles } from './python-tensorflow';
import { runCommand, type CommandResult } from './run-command';

// The headers tfjs-node's binding includes, directly or through the C API's own includes.
const HEADER_DIRS = ['tensorflow/c', 'xla/tsl/c'];
const HEADER_FILES = /^(tsl\/platform|tensorflow\/core\/platform)\/ctstring[^/]*\.h$/;

/**
 * Lay out `deps/` as the binding's build expects it (`deps/lib/libtensorflow.so`,
 * `libtensorflow_framework.so`, `deps/include/`), in a temp folder renamed into place at the end.
 * `link`: the libraries stay where an installed Python package keeps them (symlinked);
 * otherwise they are moved out of an unpacked wheel and, where `strip` exists, stripped of
 * symbols nobody links against (788 → 583 MB).
 */
export function stageDeps(packageDir: string, files: TensorFlowFiles, how: 'link' | 'move'): void {
  const deps = path.join(packageDir, 'deps');
  const staging = `${deps}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, 'lib'), { recursive: true });
  for (const file of LIBRARY_FILES) {
    const from = path.join(files.dir, file);
    const to = path.join(staging, 'lib', file);
    if (how === 'link') fs.symlinkSync(fs.realpathSync(from), to);
    else {
      fs.renameSync(from, to);
      runCommand('strip', ['--strip-unneeded', to], { timeoutMs: 5 * 60 * 1000 });
    }
  }
  fs.symlinkSync(LIBRARY_FILES[0], path.join(staging, 'lib', 'libtensorflow.so'));
  fs.symlinkSync(LIBRARY_FILES[1], path.join(staging, 'lib', 'libtensorflow_framework.so'));
  const include = path.join(files.dir, 'include');
  for (const dir of HEADER_DIRS) {
    if (fs.existsSync(path.join(include, dir))) fs.cpSync(path.join(include, dir), path.join(staging, 'include', dir), { recursive: true });
  }
  for (const dir of ['tsl/platform', 'tensorflow/core/platform']) {
    if (!fs.existsSync(path.join(include, dir))) continue;
    for (const name of fs.readdirSync(path.join(include, dir))) {
      const relative = `${dir}/${name}`;
      if (HEADER_FILES.test(relative)) fs.cpSync(path.join(include, relative), path.join(staging, 'include', relative));
    }
  }
  fs.rmSync(deps, { recursive: true, force: true });
  fs.renameSync(staging, deps);
}

/**
 * Node's own headers for node-gyp, so it never downloads them: `npm_config_nodedir` when npm
 * set it, else the prefix of the running node when it ships `include/node/node_api.h`.
 */
export function nodeHeadersDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')));
}

/**
 * Compile `lib/napi-v<N>/tfjs_binding.node` from the package's sources against `deps/` with the
 * package's own node-pre-gyp (node-gyp underneath, one make job). `extraLibDirs` join the
 * binding's run path (a CUDA build's NVIDIA libraries).
 */
export function compileBinding(packageDir: string, logFile: string, extraLibDirs: string[] = []): CommandResult {
  const nodedir = nodeHeadersDir();
  if (!nodedir) return { ok: false, stdout: '', why: "Node's headers not found (set npm_config_nodedir to the folder holding include/node)" };
  let preGyp: string;
  try {
    preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [packageDir] });
  } catch {
    return { ok: false, stdout: '', why: '@mapbox/node-pre-gyp (a dependency of tfjs-node) is not installed' };
  }
  fs.rmSync(path.join(packageDir, 'build'), { recursive: true, force: true });
  fs.rmSync(path.join(packageDir, 'lib'), { recursive: true, force: true });
  const ldflags = extraLibDirs.map((dir) => `-Wl,-rpath,${dir}`).join(' ');
  const run = runCommand(process.execPath, [preGyp, 'install', '--build-from-source'], {
    cwd: packageDir,
    timeoutMs: 10 * 60 * 1000,
    env: { ...process.env, npm_config_nodedir: nodedir, JOBS: '1', ...(ldflags ? { LDFLAGS: `${process.env.LDFLAGS ?? ''} ${ldflags}`.trim() } : {}) },
  });
  fs.writeFileSync(logFile, run.stdout);
  return run;
}

/** Load the built package in a fresh process; TensorFlow's version, or why it did not load. */
export function loadNative(packageDir: string): { version: string } | { error: string } {
  const script = "const tf = require(process.argv[1]); process.stdout.write('TF ' + tf.backend().binding.TF_Version + '\\n');";
  const run = runCommand(process.execPath, ['-e', script, packageDir], {
    timeoutMs: 120000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', TF_ENABLE_ONEDNN_OPTS: '0' },
  });
  const version = /^TF (\S+)$/m.exec(run.stdout)?.[1];
  return run.ok && version ? { version } : { error: run.why || 'it printed no version' };
}
