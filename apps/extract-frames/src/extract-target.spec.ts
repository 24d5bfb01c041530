/**
 * The Nx target `extract-frames:extract`, run for real with Nx in a copy of this workspace:
 * cached on a second run, restored when its outputs are deleted, untouched by a crop
 * parameter change, rerun (alone) when an extract parameter changes.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');
const COPIED = ['nx.json', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json', 'jest.preset.js', 'eslint.config.js', '.gitignore', 'apps', 'libs', 'tools'];

const manifest = (stages: Record<string, unknown>) => ({
  name: 'mini',
  sources: [{ kind: 'generator', generator: 'moving-mnist', id: 'digits', count: 2, frames: 10, sizePx: 48, seed: 4 }],
  split: { testFraction: 0.5, seed: 1 },
  stages,
});

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-nx-'));
  for (const entry of COPIED) {
    await fs.cp(path.join(repo, entry), path.join(root, entry), {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|data|\.nx)(\/|$)/.test(path.relative(repo, src)),
    });
  }
  await fs.symlink(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await writeManifest({ extract: {}, crop: { cropSize: 32 } });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeManifest(stages: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', 'mini.json'), JSON.stringify(manifest(stages), null, 2));
}

function nx(): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && k !== 'TSX_TSCONFIG_PATH'));
  const result = spawnSync(
    process.execPath,
    [path.join(repo, 'node_modules/nx/dist/bin/nx.js'), 'run', 'extract-frames:extract', '--manifest=mini', '--outputStyle=static'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, CI: 'true', NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_CACHE_DIRECTORY: path.join(root, '.nx-cache') },
    },
  );
  if (result.status !== 0) throw new Error(`nx failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  // eslint-disable-next-line no-control-regex
  return (result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, '');
}

const framesDir = () => path.join(root, 'data', 'mini', 'frames');
const fromCache = (out: string, target: string) => new RegExp(`nx run ${target} --manifest=mini +\\[(local|existing outputs match the) cache\\]`).test(out);

async function frameCount(): Promise<number> {
  const index = JSON.parse(await fs.readFile(path.join(framesDir(), 'index.json'), 'utf8'));
  return Object.values(index.videos as Record<string, { frameCount: number }>).reduce((n, v) => n + v.frameCount, 0);
}

describe('extract-frames:extract through Nx', () => {
  it('runs, then comes from the cache, restores deleted outputs, and reruns only for extract changes', async () => {
    const first = nx();
    expect(fromCache(first, 'demo-data:generate')).toBe(false);
    expect(fromCache(first, 'extract-frames:extract')).toBe(false);
    expect(first).toContain('extract: 2 videos');
    expect((await fs.readdir(path.join(framesDir(), 'train'))).length + (await fs.readdir(path.join(framesDir(), 'test'))).length).toBe(2);
    expect(await frameCount()).toBe(20);
    const index = await fs.readFile(path.join(framesDir(), 'index.json'));

    const second = nx();
    expect(fromCache(second, 'demo-data:generate')).toBe(true);
    expect(fromCache(second, 'extract-frames:extract')).toBe(true);

    await fs.rm(framesDir(), { recursive: true });
    const restored = nx();
    expect(fromCache(restored, 'extract-frames:extract')).toBe(true);
    expect((await fs.readFile(path.join(framesDir(), 'index.json'))).equals(index)).toBe(true);
    expect(await frameCount()).toBe(20);

    await writeManifest({ extract: {}, crop: { cropSize: 16 } });
    const cropChanged = nx();
    expect(fromCache(cropChanged, 'demo-data:generate')).toBe(true);
    expect(fromCache(cropChanged, 'extract-frames:extract')).toBe(true);

    await writeManifest({ extract: { fps: 5 }, crop: { cropSize: 16 } });
    const extractChanged = nx();
    expect(fromCache(extractChanged, 'demo-data:generate')).toBe(true);
    expect(fromCache(extractChanged, 'extract-frames:extract')).toBe(false);
    expect(await frameCount()).toBe(10);
  }, 300000);
});
