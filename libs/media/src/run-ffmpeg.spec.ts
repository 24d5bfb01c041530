import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { FfmpegError, readImageRgb, resolveFfmpeg, runFfmpeg, type FfmpegProgress } from './index';
import { patternFrame, pixelAt, writeTestVideo } from './testing';

const ffmpeg = resolveFfmpeg().path;
const tempDir = useTempDir('ffmpeg');

describe('runFfmpeg', () => {
  it('streams progress and handles file names a shell would mangle', async () => {
    const weird = path.join(tempDir(), `it's "$(rm -rf x)" & ; * ünï.mkv`);
    await writeTestVideo({ file: weird, frames: Array.from({ length: 40 }, (_, i) => patternFrame(32, 24, i)), fps: 20 });
    const outDir = path.join(tempDir(), 'out $HOME');
    await fs.mkdir(outDir);
    const seen: FfmpegProgress[] = [];
    await runFfmpeg({
      binary: ffmpeg,
      args: ['-i', weird, '-vsync', '0', '-pix_fmt', 'rgb24', path.join(outDir, '%06d.png')],
      onProgress: (p) => seen.push(p),
    });
    expect((await fs.readdir(outDir)).length).toBe(40);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1].frame).toBe(40);
    const third = await readImageRgb(path.join(outDir, '000003.png'));
    expect(pixelAt(third, 31, 23)).toEqual([255, 255, 80]);
  });

  it('surfaces ffmpeg stderr on failure, naming the file', async () => {
    const input = path.join(tempDir(), 'missing.mp4');
    const error = await runFfmpeg({ binary: ffmpeg, args: ['-i', input, '-f', 'null', '-'], file: input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).oneLine()).toMatch(/missing\.mp4: ffmpeg failed \(exit code 1\): .*No such file or directory/);
  });

  it('reports a binary that cannot be started', async () => {
    await expect(runFfmpeg({ binary: path.join(tempDir(), 'no-ffmpeg'), args: ['-version'] })).rejects.toThrow(/cannot run ffmpeg/);
  });
});
