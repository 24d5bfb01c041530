import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifest } from '@nextframe/manifest';
import { ffmpegVersion, probeVideo, resolveFfmpeg, resolveFfprobe } from '@nextframe/media';
import { generateManifestVideos } from './generate-videos';

const ffmpeg = resolveFfmpeg().path;
const options = { ffmpeg, ffmpegVersion: ffmpegVersion(ffmpeg) };
const ffprobe = resolveFfprobe().path;

const manifest = (seed: number) => ({
  name: 'mini',
  sources: [
    { kind: 'generator', generator: 'moving-mnist', id: 'digits', count: 2, frames: 12, fps: 10, sizePx: 48, seed },
    { kind: 'generator', generator: 'ffmpeg-source', id: 'life', source: 'life', count: 1, frames: 8, width: 40, height: 32, seed },
    { kind: 'generator', generator: 'ffmpeg-source', id: 'pattern', source: 'testsrc2', count: 1, frames: 8, width: 40, height: 32, seed },
  ],
});

async function workspace(seed: number): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-demo-'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await fs.writeFile(path.join(root, 'data-manifests', 'mini.json'), JSON.stringify(manifest(seed)));
  return root;
}

async function digest(root: string): Promise<Record<string, string>> {
  const dir = path.join(root, 'data', 'mini', 'videos');
  const out: Record<string, string> = {};
  for (const id of ['digits', 'life', 'pattern']) {
    for (const file of (await fs.readdir(path.join(dir, id))).sort()) {
      out[`${id}/${file}`] = createHash('sha256').update(await fs.readFile(path.join(dir, id, file))).digest('hex');
    }
  }
  return out;
}

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => fs.rm(r, { recursive: true, force: true })));
});

describe('generateManifestVideos', () => {
  it('writes real H.264 videos of the requested size and length', async () => {
    const root = await workspace(1);
    roots.push(root);
    const summary = await generateManifestVideos(await loadManifest('mini', root), options);
    expect(summary.generated).toEqual(['digits-001', 'digits-002', 'life-001', 'pattern-001']);
    const digits = await probeVideo(ffprobe, path.join(root, 'data/mini/videos/digits/digits-001.mp4'));
    expect(digits).toMatchObject({ codec: 'h264', width: 48, height: 48, frameCount: 12, fps: 10 });
    const life = await probeVideo(ffprobe, path.join(root, 'data/mini/videos/life/life-001.mp4'));
    expect(life).toMatchObject({ codec: 'h264', width: 40, height: 32, frameCount: 8 });
  });

  it('gives the same bytes for the same seed, other bytes for another, and skips finished work', async () => {
    const [a, b, c] = await Promise.all([workspace(5), workspace(5), workspace(6)]);
    roots.push(a, b, c);
    for (const root of [a, b, c]) await generateManifestVideos(await loadManifest('mini', root), options);
    const [da, db, dc] = await Promise.all([digest(a), digest(b), digest(c)]);
    expect(Object.keys(da)).toHaveLength(4);
    expect(db).toEqual(da);
    expect(dc['digits/digits-001.mp4']).not.toBe(da['digits/digits-001.mp4']);
    expect(dc['life/life-001.mp4']).not.toBe(da['life/life-001.mp4']);
    expect(dc['pattern/pattern-001.mp4']).not.toBe(da['pattern/pattern-001.mp4']);

    const again = await generateManifestVideos(await loadManifest('mini', a), options);
    expect(again.generated).toEqual([]);
    expect(again.skipped).toHaveLength(4);
  });
});
