"""`make bench`: the vectorised data generator and trainer against ports of the article's loops.

Both sides run in the same process on the same device, so the printed ratios hold on a noisy machine.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch

from core import article, config, data, train, weights

BATCHES = math.ceil(data.DATASIZE / config.BATCH)  # per epoch: 128
PROTOCOL_MODELS = len(weights.PATCH_VARIANTS) * len(config.DEFAULT_SEEDS)  # 5 variants x 10 seeds
PROTOCOL_STEPS = PROTOCOL_MODELS * config.EPOCHS * BATCHES  # 5,000 epochs of 128 batches each


def _best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_data(n_article: int = 1000) -> None:
    t_article = _best_of(lambda: article.article_curves(n_article), 1) * data.DATASIZE / n_article
    t_fast = _best_of(lambda: data.make_curves(), 5)
    print(f"data    article loop, {data.DATASIZE:,} curves (from {n_article:,}): {t_article:8.3f} s")
    print(f"        vectorised,   {data.DATASIZE:,} curves:                {t_fast:8.4f} s"
          f"   ratio {t_article / t_fast:,.0f}x")


def bench_train(device: torch.device, seconds: float, epochs: int) -> None:
    patches = data.make_patches()
    # the article's loop: DataLoader, one model at a time; warm up, then time a fixed number of steps
    article.article_train(patches, 11, epochs=1, device=str(device), max_steps=20)
    probe = article.article_train(patches, 11, epochs=1, device=str(device), max_steps=50)
    steps = max(50, int(seconds * probe["steps_per_second"]))
    ref = article.article_train(patches, 11, epochs=1 + steps // BATCHES, device=str(device),
                                max_steps=steps)
    ref_rate = ref["steps_per_second"]

    cfg = train.TrainConfig(epochs=epochs)  # the full set: 5 variants x 10 seeds
    rates = {}
    for mode in ("op by op", "CUDA graph") if device.type == "cuda" else ("op by op",):
        trainer = train.Trainer(cfg, device, patches)
        trainer.cuda_graph = mode == "CUDA graph"
        trainer.run_epoch()  # warm-up (and the capture)
        if device.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(epochs):
            trainer.run_epoch()
        if device.type == "cuda":
            torch.cuda.synchronize()
        rates[mode] = trainer.M * epochs * BATCHES / (time.perf_counter() - t)

    print(f"train   article loop (DataLoader, 1 model): {ref_rate:12,.0f} model-steps/s"
          f"   ({ref['steps']} steps)")
    for mode, rate in rates.items():
        label = f"vectorised trainer ({trainer.M} models)" + (f", {mode}" if len(rates) > 1 else "")
        print(f"        {label + ':':<{43 if len(rates) > 1 else 32}} {rate:12,.0f} model-steps/s"
              f"   ({epochs} epochs)   ratio {rate / ref_rate:,.0f}x")
    rate = rates[list(rates)[-1]]
    print(f"        full protocol ({PROTOCOL_MODELS} models x {config.EPOCHS * BATCHES:,} steps): "
          f"article loop est. {PROTOCOL_STEPS / ref_rate / 3600:.1f} h, "
          f"trainer est. {PROTOCOL_STEPS / rate / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m core.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--seconds", type=float, default=4.0, help="time given to the article loop")
    p.add_argument("--epochs", type=int, default=20, help="epochs timed for the trainer")
    args = p.parse_args(argv)
    device = train.resolve_device(args.device)
    print(f"device {device.type}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"numpy {np.__version__}")
    bench_data()
    bench_train(device, args.seconds, args.epochs)


if __name__ == "__main__":
    main()
