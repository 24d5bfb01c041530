import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stageFingerprint } from './stage-fingerprint';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-fingerprint-'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await fs.mkdir(path.join(root, 'videos'));
  await fs.writeFile(path.join(root, 'videos', 'a.mp4'), 'abc');
  await fs.writeFile(path.join(root, 'data-manifests', 'manifest.schema.json'), '{}');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function write(manifest: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', 'mine.json'), JSON.stringify(manifest));
}

const base = {
  name: 'mine',
  sources: [{ kind: 'videos', paths: ['videos'] }, { kind: 'generator', generator: 'moving-mnist', id: 'm', count: 1, frames: 5, seed: 1 }],
  split: { testFraction: 0.2, seed: 1 },
  stages: { extract: { fps: 5 }, crop: { cropSize: 32 } },
};

describe('stageFingerprint', () => {
  it('changes for extract parameters, sources and video files, not for later stages', async () => {
    await write(base);
    const first = JSON.stringify(await stageFingerprint('extract', root));
    expect(first).toContain('"ffmpeg":"');
    expect(first).toContain(`["${path.join(root, 'videos', 'a.mp4')}",3,`);
    expect(first).not.toContain('schema');

    await write({ ...base, stages: { ...base.stages, crop: { cropSize: 16 }, train: { steps: 5 } } });
    expect(JSON.stringify(await stageFingerprint('extract', root))).toBe(first);

    await write({ ...base, stages: { ...base.stages, extract: { fps: 10 } } });
    expect(JSON.stringify(await stageFingerprint('extract', root))).not.toBe(first);

    await write(base);
    await fs.writeFile(path.join(root, 'videos', 'b.mov'), 'new video');
    expect(JSON.stringify(await stageFingerprint('extract', root))).not.toBe(first);
  });

  it('for generate, depends only on the generator sources', async () => {
    await write(base);
    const first = JSON.stringify(await stageFingerprint('generate', root));
    await write({ ...base, split: { test: ['a'] }, stages: { extract: { fps: 1 } } });
    expect(JSON.stringify(await stageFingerprint('generate', root))).toBe(first);
    await write({ ...base, sources: [base.sources[0], { ...base.sources[1], seed: 2 }] });
    expect(JSON.stringify(await stageFingerprint('generate', root))).not.toBe(first);
  });

  it('keeps an unparsable manifest in the key so the stage runs and reports it', async () => {
    await fs.writeFile(path.join(root, 'data-manifests', 'mine.json'), '{ broken');
    expect(JSON.stringify(await stageFingerprint('extract', root))).toContain('{ broken');
  });
});
