import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentFfmpeg, videoFilesFingerprint } from './source-fingerprint';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-fingerprint-'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await fs.mkdir(path.join(root, 'videos'));
  await fs.writeFile(path.join(root, 'videos', 'a.mp4'), 'abc');
  await fs.writeFile(path.join(root, 'videos', 'notes.txt'), 'not a video');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function write(manifest: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', 'mine.json'), JSON.stringify(manifest));
}

const base = {
  name: 'mine',
  sources: [{ kind: 'videos', paths: ['videos', 'gone.mov'] }, { kind: 'generator', generator: 'moving-mnist', id: 'm', count: 1, frames: 5, seed: 1 }],
  stages: { extract: { fps: 5 } },
};

describe('videoFilesFingerprint', () => {
  it('lists the video files a manifest names as (path, size, mtime), and the missing ones', async () => {
    await write(base);
    const a = path.join(root, 'videos', 'a.mp4');
    const { mtimeMs } = await fs.stat(a);
    expect(await videoFilesFingerprint('mine', root)).toEqual([[[a, 3, mtimeMs]], [path.join(root, 'gone.mov'), 'missing']]);

    await fs.writeFile(path.join(root, 'videos', 'b.MOV'), 'new video');
    const withB = (await videoFilesFingerprint('mine', root)) as unknown[][];
    expect(withB[0]).toHaveLength(2);
    expect(withB[0][1]).toEqual([path.join(root, 'videos', 'b.MOV'), 9, expect.any(Number)]);
  });

  it('ignores everything but video sources', async () => {
    await write(base);
    const first = await videoFilesFingerprint('mine', root);
    await write({ ...base, stages: { extract: { fps: 10 }, crop: { clips: 3 } } });
    expect(await videoFilesFingerprint('mine', root)).toEqual(first);
  });

  it('gives the text of a manifest that does not parse, so the stage runs and reports it', async () => {
    await fs.writeFile(path.join(root, 'data-manifests', 'mine.json'), '{ broken');
    expect(await videoFilesFingerprint('mine', root)).toEqual({ unparsable: '{ broken' });
    expect(await videoFilesFingerprint('absent', root)).toEqual({ missing: 'absent' });
  });
});

describe('currentFfmpeg', () => {
  it("is the real ffmpeg's version line, as the runtime input prints it", () => {
    const version = currentFfmpeg();
    expect(version).toMatch(/^\S*\d/);
    const printed = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'print-source-fingerprint.ts'), 'ffmpeg'], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    expect(printed.stdout).toBe(`${version}\n`);
  });
});
