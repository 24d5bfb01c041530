#!/usr/bin/env bash
# `npm test`'s second pass: the backend-sensitive projects (networks, losses, training steps,
# resume, evaluate, export) again on native TensorFlow, with NEXTFRAME_BACKEND=tensorflow (their
# specs start the backend it names; the first pass ran them on wasm). tf-backend's specs and
# train's backends-agree.spec name their backends themselves and ran in the first pass. Where @tensorflow/tfjs-node
# is not built, says so in one line and passes: nextframe runs on wasm there.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(echo "${NEXTFRAME_NATIVE:-}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')" = off ]; then
  echo "tests on tensorflow: skipped, NEXTFRAME_NATIVE=off"
  exit 0
fi
probe="try { require('@tensorflow/tfjs-node'); } catch (e) { console.log(String(e.message).split('\\n')[0]); process.exit(1); }"
if ! why=$(TF_CPP_MIN_LOG_LEVEL=3 node -e "$probe" 2>/dev/null); then
  echo "tests on tensorflow: skipped, @tensorflow/tfjs-node does not load (${why}); npm run native-tensorflow builds it"
  exit 0
fi
# The end-to-end specs (the `e2e` targets: Chromium for the report and the exported page, real Nx)
# compare with nextframe's own predictions, which the specs below check on tensorflow; they run in
# the first pass only (CI's 30 minutes).
NEXTFRAME_BACKEND=tensorflow npx nx run-many -t test --projects=model,train,evaluate,export --parallel=2 --outputStyle=static
