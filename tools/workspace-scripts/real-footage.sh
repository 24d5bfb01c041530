#!/usr/bin/env bash
# Real camera footage for issue #20: the four videos Debian's `opencv-doc` package ships with
# OpenCV's samples (Apache-2.0 / BSD-3-Clause, as its debian/copyright says of samples/*):
# vtest.avi (a street seen from a fixed camera, people walking), tree.avi (a tree in the wind),
# box.mp4 and cup.mp4 (a hand moving a box, a cup). Fetched with `apt-get download` (no root
# needed), unpacked with dpkg -x, scaled to 160×120 at 10 fps. tree.avi holds a new picture only
# every 4–5 frames (about 3 a second, stored at 15 fps): each picture is kept once, as the cut
# and extract's --drop-duplicates drop repeats. Training takes the first part of
# vtest, tree and box; held out are their last parts and all of cup, a scene never trained on.
# Then the demo's recipe (data-manifests/demo.json's stages.train, which trains on 64×64 patches:
# hence 64×64 crops) trains on them and evaluate judges both models on the held-out videos beside
# the trivial predictors.
#   bash tools/workspace-scripts/real-footage.sh [WORK_DIR]      (default data/real-footage)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-data/real-footage}"
mkdir -p "$work/deb" "$work/videos"
ffmpeg="$(node -e "console.log(require('@ffmpeg-installer/ffmpeg').path)")"
if [ ! -d "$work/deb/usr" ]; then
  (cd "$work/deb" && apt-get download opencv-doc >/dev/null && dpkg -x opencv-doc_*.deb .)
fi
docs="$work/deb/usr/share/doc/opencv-doc"
gunzip -kf "$docs/opencv4/html/box.mp4.gz" "$docs/opencv4/html/cup.mp4.gz"
cut() { # cut NAME SOURCE [ffmpeg input options]
  local name="$1" source="$2"
  shift 2
  # mpdecimate right after the resampling, on decoded pictures: a picture the source holds for
  # several frames (or that fps=10 repeats to fill a gap) is kept once, before lossy coding makes
  # its repeats differ by noise; -vsync passthrough keeps the gaps instead of refilling them.
  "$ffmpeg" -v error -y "$@" -i "$source" -vf scale=160:120,fps=10,mpdecimate=hi=64:lo=64:frac=0 -vsync passthrough -an -c:v libx264 -crf 18 "$work/videos/$name.mp4"
}
cut train-vtest "$docs/examples/data/vtest.avi" -t 55
cut test-vtest "$docs/examples/data/vtest.avi" -ss 60
cut train-tree "$docs/examples/data/tree.avi" -t 20
cut test-tree "$docs/examples/data/tree.avi" -ss 22
cut train-box "$docs/opencv4/html/box.mp4" -t 10
cut test-box "$docs/opencv4/html/box.mp4" -ss 11
cut test-cup "$docs/opencv4/html/cup.mp4"
npx nextframe extract "$work"/videos/train-*.mp4 --out "$work/frames/train" --drop-duplicates --overwrite
npx nextframe extract "$work"/videos/test-*.mp4 --out "$work/frames/test" --drop-duplicates --overwrite
npx nextframe crop --frames "$work/frames/train" --out "$work/clips" -n 20000 --seed 1 --crop-size 64 --overwrite
npx nextframe train --manifest demo --clips "$work/clips" -n real-footage -t "$work/frames/test" -O
npx nextframe evaluate -n real-footage-adversarial -t "$work/frames/test" -r 4 --clips-per-video 3 --compare real-footage
