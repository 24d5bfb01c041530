import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createStagingDir, hashFile, removeStaleStagingDirs, writeFileAtomic, writeFolderAtomic, writeJsonAtomic } from './index';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-files-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the content and leaves no temp file behind', async () => {
    const target = path.join(dir, 'sub', 'index.json');
    await writeJsonAtomic(target, { a: 1 });
    await writeFileAtomic(target, 'replaced');
    expect(await fs.readFile(target, 'utf8')).toBe('replaced');
    expect(await fs.readdir(path.join(dir, 'sub'))).toEqual(['index.json']);
  });
});

describe('createStagingDir', () => {
  it('keeps the final folder absent until commit, then replaces an old one whole', async () => {
    const final = path.join(dir, 'video');
    await fs.mkdir(final);
    await fs.writeFile(path.join(final, 'old.png'), 'old');
    const staging = await createStagingDir(final);
    await fs.writeFile(path.join(staging.path, '000001.png'), 'new');
    expect(await fs.readdir(final)).toEqual(['old.png']);
    await staging.commit();
    expect(await fs.readdir(final)).toEqual(['000001.png']);
    expect((await fs.readdir(dir)).sort()).toEqual(['video']);
  });

  it('discards a failed folder', async () => {
    const staging = await createStagingDir(path.join(dir, 'video'));
    await fs.writeFile(path.join(staging.path, 'x'), 'x');
    await staging.discard();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('clears staging folders of dead processes but not of live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await fs.mkdir(path.join(dir, `.a.partial-${dead}`));
    await fs.mkdir(path.join(dir, `.b.partial-${process.ppid}`));
    await fs.mkdir(path.join(dir, 'c'));
    expect(await removeStaleStagingDirs(dir)).toEqual([`.a.partial-${dead}`]);
    expect((await fs.readdir(dir)).sort()).toEqual([`.b.partial-${process.ppid}`, 'c']);
  });
});

describe('hashFile', () => {
  it('matches sha256 of the bytes', async () => {
    const file = path.join(dir, 'f.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await fs.writeFile(file, bytes);
    expect(await hashFile(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('writeFolderAtomic', () => {
  it('replaces a folder whole, and leaves the old one when writing fails', async () => {
    const target = path.join(dir, 'checkpoint');
    await writeFolderAtomic(target, { 'a.json': '{"v":1}', 'b.bin': Uint8Array.from([1, 2, 3]) });
    expect((await fs.readdir(target)).sort()).toEqual(['a.json', 'b.bin']);
    expect(Array.from(await fs.readFile(path.join(target, 'b.bin')))).toEqual([1, 2, 3]);
    await expect(writeFolderAtomic(target, { 'a.json': '{"v":2}', '../escape': 'x' })).rejects.toThrow("bad file name '../escape'");
    expect(await fs.readFile(path.join(target, 'a.json'), 'utf8')).toBe('{"v":1}');
    expect(await fs.readdir(dir)).toEqual(['checkpoint']);
  });
});
