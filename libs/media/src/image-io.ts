import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '@nextframe/files';
import { ImageReadError } from './media-errors';

/** An 8-bit RGB image: `data` is `height × width × 3` bytes, row-major, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Image formats frame folders may hold. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

export function isImageFile(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

/**
 * Decode a PNG, JPEG or WebP file (or its bytes) into 8-bit RGB. Grayscale and palette images
 * become 3 equal channels, 16-bit samples become 8-bit, an alpha channel is dropped (the stored
 * colours are kept, not blended onto a background).
 */
export async function readImageRgb(source: string | Uint8Array): Promise<RgbImage> {
  const file = typeof source === 'string' ? source : undefined;
  let input: Buffer;
  try {
    input = typeof source === 'string' ? await fs.readFile(source) : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImageReadError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { file, cause: error });
  }
  try {
    const { data, info } = await sharp(input)
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw new ImageReadError(`not a readable image (${(error as Error).message})`, { file, cause: error });
  }
}

/** Encode 8-bit RGB as PNG (lossless), JPEG or WebP by the file's extension, written atomically. */
export async function writeImageRgb(file: string, image: RgbImage, options: { quality?: number } = {}): Promise<void> {
  await writeFileAtomic(file, await encodeImageRgb(image, path.extname(file).toLowerCase(), options));
}

/** Encode 8-bit RGB to the bytes of a `.png`, `.jpg`/`.jpeg` or `.webp` file. */
export async function encodeImageRgb(image: RgbImage, extension: string, options: { quality?: number } = {}): Promise<Buffer> {
  const expected = image.width * image.height * 3;
  if (image.data.length !== expected) {
    throw new RangeError(`image data has ${image.data.length} bytes, expected ${image.width}x${image.height}x3 = ${expected}`);
  }
  const pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  });
  switch (extension) {
    case '.png':
      return pipeline.png().toBuffer();
    case '.jpg':
    case '.jpeg':
      return pipeline.jpeg({ quality: options.quality ?? 95 }).toBuffer();
    case '.webp':
      return pipeline.webp({ quality: options.quality ?? 95 }).toBuffer();
    default:
      throw new RangeError(`cannot encode images as '${extension}' (use .png, .jpg or .webp)`);
  }
}
