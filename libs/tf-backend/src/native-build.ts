import * as fs from 'node:fs';
import * as path from 'node:path';

/** The two native packages, GPU first (the order `auto` tries them). */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/**
 * What `tools/native-tensorflow` built into a native package, written to
 * `<package>/deps/nextframe-native.json` when the build loaded: the backend line reads it to say
 * where the TensorFlow it runs on came from.
 */
export interface NativeBuildRecord {
  /** TensorFlow's version as the library reports it (`TF_Version`). */
  tensorflowVersion: string;
  /** Where the library came from: `tfjs-node's own download`, `pip's tensorflow-cpu 2.21.0 wheel`, … */
  source: string;
  /** ISO time of the build. */
  builtAt: string;
}

export const NATIVE_BUILD_RECORD = path.join('deps', 'nextframe-native.json');

/** The installed package's folder, or undefined when it is not installed. */
export function nativePackageDir(pkg: NativePackage, from: string = __dirname): string | undefined {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [from] }));
  } catch {
    return undefined;
  }
}

/** The compiled binding the package loads (`lib/napi-v<N>/tfjs_binding.node`), or undefined when none is built. */
export function nativeBindingPath(packageDir: string): string | undefined {
  const lib = path.join(packageDir, 'lib');
  const folders = fs.existsSync(lib) ? fs.readdirSync(lib).filter((name) => name.startsWith('napi-v')) : [];
  return folders.map((name) => path.join(lib, name, 'tfjs_binding.node')).find((file) => fs.existsSync(file));
}

/** The record of a build by nextframe, or undefined (not built by us, or unreadable). */
export function readNativeBuildRecord(packageDir: string): NativeBuildRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(packageDir, NATIVE_BUILD_RECORD), 'utf8')) as NativeBuildRecord;
    return typeof record.tensorflowVersion === 'string' && typeof record.source === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** `NEXTFRAME_NATIVE=off` (any case): neither build nor use native TensorFlow. */
export function nativeTurnedOff(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NEXTFRAME_NATIVE ?? '').trim().toLowerCase() === 'off';
}
