"""The reference side of `bench:model`: nextframe's networks in PyTorch (CPU), timed the same way.

Run by model-bench.ts (never by nextframe itself; PyTorch is not a dependency):
    python3 tools/bench/src/model-bench-torch.py < job.json
job.json: {"config": <resolved ModelConfig>, "threads": N, "runs": R, "frame": [H, W]}.
Prints one JSON line: ms per adversarial iteration, per generator step, per full-frame inference.

The networks follow libs/model exactly (shapes, SAME/VALID padding, ReLU/tanh/sigmoid, bilinear
resizes, residual scales, conditional discriminator, Lp + GDL + adversarial losses, Adam for the
generator, plain gradient descent for the discriminator), in PyTorch's own NCHW layout.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def scale_size(size, k, count):
    return size // 2 ** (count - 1 - k)


class Generator(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.residual = config["residualScales"]
        self.scales = torch.nn.ModuleList()
        for scale in config["generator"]:
            maps, kernels = scale["featureMaps"], scale["kernelSizes"]
            self.scales.append(torch.nn.ModuleList(
                torch.nn.Conv2d(maps[i], maps[i + 1], k, padding="same") for i, k in enumerate(kernels)))

    def forward(self, history):
        _, _, height, width = history.shape
        count = len(self.scales)
        outputs, previous = [], None
        for k, layers in enumerate(self.scales):
            size = (scale_size(height, k, count), scale_size(width, k, count))
            frames = history if k == count - 1 else F.interpolate(history, size=size, mode="bilinear", align_corners=False)
            upsampled = F.interpolate(previous, size=size, mode="bilinear", align_corners=False) if previous is not None else None
            x = torch.cat([frames, upsampled], 1) if upsampled is not None else frames
            for i, conv in enumerate(layers):
                x = conv(x)
                x = torch.tanh(x) if i == len(layers) - 1 else F.relu(x)
            out = upsampled + x if self.residual and upsampled is not None else x
            outputs.append(out)
            previous = out
        return outputs


class Discriminator(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.conditional = config["conditionalDiscriminator"]
        self.clip = config["discriminatorClip"]
        count = len(config["discriminator"])
        self.convs, self.dense = torch.nn.ModuleList(), torch.nn.ModuleList()
        for k, scale in enumerate(config["discriminator"]):
            maps, kernels = scale["featureMaps"], scale["kernelSizes"]
            self.convs.append(torch.nn.ModuleList(torch.nn.Conv2d(maps[i], maps[i + 1], kk) for i, kk in enumerate(kernels)))
            side = (scale_size(config["patchSizePx"], k, count) - sum(kk - 1 for kk in kernels)) // 2
            sizes = [side * side * maps[-1]] + scale["fullyConnected"]
            self.dense.append(torch.nn.ModuleList(torch.nn.Linear(sizes[i], n) for i, n in enumerate(scale["fullyConnected"])))

    def forward(self, frames, history):
        outputs = []
        for k, (convs, dense) in enumerate(zip(self.convs, self.dense)):
            x = torch.cat([history[k], frames[k]], 1) if self.conditional else frames[k]
            for conv in convs:
                x = F.relu(conv(x))
            h = torch.flatten(F.max_pool2d(x, 2), 1)
            for i, layer in enumerate(dense):
                h = torch.sigmoid(layer(h)) if i == len(dense) - 1 else F.relu(layer(h))
            outputs.append(torch.clamp(h, self.clip[0], self.clip[1]))
        return outputs


def lp_loss(predictions, targets, p):
    return sum(torch.sum(torch.abs(a - b) ** p) for a, b in zip(predictions, targets)) / len(predictions)


def gdl_loss(predictions, targets, alpha):
    total = 0
    for a, b in zip(predictions, targets):
        dxa, dxb = torch.abs(a[..., :, 1:] - a[..., :, :-1]), torch.abs(b[..., :, 1:] - b[..., :, :-1])
        dya, dyb = torch.abs(a[..., 1:, :] - a[..., :-1, :]), torch.abs(b[..., 1:, :] - b[..., :-1, :])
        total = total + torch.sum(torch.abs(dxb - dxa) ** alpha) + torch.sum(torch.abs(dyb - dya) ** alpha)
    return total / len(predictions)


def bce(outputs, label):
    return sum(F.binary_cross_entropy(o, torch.full_like(o, label), reduction="sum") for o in outputs) / len(outputs)


def batch(config, seed):
    generator = torch.Generator().manual_seed(seed)
    clips = torch.rand(config["batchSize"], 3 * (config["historyLength"] + 1), config["patchSizePx"], config["patchSizePx"], generator=generator) * 2 - 1
    history, target = clips[:, : 3 * config["historyLength"]], clips[:, 3 * config["historyLength"]:]
    count = len(config["generator"])
    size = lambda k: (scale_size(config["patchSizePx"], k, count),) * 2
    resize = lambda x, k: x if k == count - 1 else F.interpolate(x, size=size(k), mode="bilinear", align_corners=False)
    return history, [resize(history, k) for k in range(count)], [resize(target, k) for k in range(count)]


def timed(runs, body):
    body()  # warm-up
    started = time.perf_counter()
    for _ in range(runs):
        body()
    return (time.perf_counter() - started) * 1000 / runs


def main():
    job = json.load(sys.stdin)
    config, runs = job["config"], job["runs"]
    torch.set_num_threads(job["threads"])
    torch.manual_seed(1)
    g, d = Generator(config), Discriminator(config)
    g_opt = torch.optim.Adam(g.parameters(), lr=config["generatorLearningRate"])
    d_opt = torch.optim.SGD(d.parameters(), lr=config["discriminatorLearningRate"])
    a, b = batch(config, 1), batch(config, 2)

    def generator_step(data, adversarial):
        history, history_scales, targets = data
        g_opt.zero_grad()
        predictions = g(history)
        loss = config["lpWeight"] * lp_loss(predictions, targets, config["lpExponent"]) + \
            config["gdlWeight"] * gdl_loss(predictions, targets, config["gdlExponent"])
        if adversarial:
            loss = loss + config["adversarialWeight"] * bce(d(predictions, history_scales), 1.0)
        loss.backward()
        g_opt.step()

    def discriminator_step(data):
        history, history_scales, targets = data
        with torch.no_grad():
            fake = g(history)
        d_opt.zero_grad()
        loss = bce(d(targets, history_scales), 1.0) + bce(d(fake, history_scales), 0.0)
        loss.backward()
        d_opt.step()

    def adversarial_iteration():
        discriminator_step(a)
        generator_step(b, True)

    adversarial_ms = timed(runs, adversarial_iteration)
    generator_step_ms = timed(runs, lambda: generator_step(b, False))
    height, width = job["frame"]
    multiple = 2 ** (len(config["generator"]) - 1)
    frame = torch.rand(1, 3 * config["historyLength"], height, width) * 2 - 1

    def inference():
        with torch.no_grad():
            padded = F.pad(frame, (0, -width % multiple, 0, -height % multiple), mode="reflect")
            g(padded)[-1][..., :height, :width]

    inference_ms = timed(runs, inference)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "adversarialIterationMs": round(adversarial_ms),
        "generatorStepMs": round(generator_step_ms),
        "fullFrameInferenceMs": round(inference_ms),
    }))


if __name__ == "__main__":
    main()
