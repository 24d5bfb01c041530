// The page of `nextframe export`, its frames: pictures and video files in, tensors in [-1, 1]
// [h, w, 3]; canvases out; PSNR as nextframe computes it.
'use strict';

/** RGBA ImageData (or an image) → [h, w, 3] in [-1, 1]. */
const toTensor = (image) => tf.tidy(() => tf.browser.fromPixels(image).toFloat().div(127.5).sub(1));

/** A frame in [-1, 1] drawn on a new canvas, shown `zoom` times its size. */
async function toCanvas(frame, zoom) {
  const canvas = document.createElement('canvas');
  const [h, w] = frame.shape;
  canvas.width = w;
  canvas.height = h;
  const pixels = tf.tidy(() => frame.add(1).div(2).clipByValue(0, 1));
  await tf.browser.toPixels(pixels, canvas);
  pixels.dispose();
  canvas.style.width = `${w * zoom}px`;
  return canvas;
}

/** PSNR in dB of two frames in [-1, 1], capped at 100. Read back asynchronously: a synchronous read stalls GPU backends (webgpu refuses it). */
async function psnr(a, b) {
  const mseTensor = tf.tidy(() => a.sub(b).div(2).square().mean());
  const mse = (await mseTensor.data())[0];
  mseTensor.dispose();
  return mse === 0 ? 100 : Math.min(100, 10 * Math.log10(1 / mse));
}

async function loadImage(url) {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

/** Frames of a video file played in `video`, by seeking at the given frame rate, scaled to at most maxSide px (0: as stored). */
async function videoFrames(video, file, fps, count, maxSide) {
  video.src = URL.createObjectURL(file);
  await new Promise((resolve, reject) => {
    video.onloadeddata = resolve;
    video.onerror = () => reject(new Error(`${file.name}: this browser cannot decode the video`));
  });
  // Frames are scaled down (the browser's drawImage filter) so the longer side is at most
  // maxSide px: full-HD video would take many seconds per frame on wasm.
  const scale = maxSide > 0 ? Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight)) : 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
  canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const frames = [];
  for (let i = 0; i < count && i / fps <= video.duration; i++) {
    // 'seeked' can fire before the new frame is presented (seen on a loaded machine): wait for
    // the frame itself too, where the browser says when it is (requestVideoFrameCallback).
    const presented = new Promise((resolve) => {
      if (!video.requestVideoFrameCallback) return resolve();
      video.requestVideoFrameCallback(() => resolve());
      setTimeout(resolve, 2000);
    });
    const seeked = new Promise((resolve) => (video.onseeked = resolve));
    video.currentTime = (i + 0.5) / fps;
    await Promise.all([seeked, presented]);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    frames.push(toTensor(context.getImageData(0, 0, canvas.width, canvas.height)));
  }
  return frames;
}
