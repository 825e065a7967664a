"""Direct ports of the article's own code: its data generator loop and its DataLoader training loop.

They are the reference the fast versions are tested and benchmarked against, not used for real work.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from core.model import Decoder, Encoder


def get_curve_points(param1: float, param2: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    p1 = {"x": 0, "y": 0}
    p2 = {"x": 0.5, "y": param1}
    p4 = {"x": 1, "y": 0}
    p3 = {"x": 0.5, "y": param2}
    xs = np.zeros(n)
    ys = np.zeros(n)
    for i, t in enumerate(np.linspace(0, 1, n)):
        xs[i] = (1 - t) ** 3 * p1["x"] + 3 * (1 - t) ** 2 * t * p2["x"] \
            + 3 * (1 - t) * t**2 * p3["x"] + t**3 * p4["x"]
        ys[i] = (1 - t) ** 3 * p1["y"] + 3 * (1 - t) ** 2 * t * p2["y"] \
            + 3 * (1 - t) * t**2 * p3["y"] + t**3 * p4["y"]
    return np.array(xs), np.array(ys)


def generate_input(p1: float, p2: float, winsize: int = 15) -> tuple[np.ndarray, list[int]]:
    """One curve, plus the dense indices the argmin picked (to compare the choices too)."""
    xs, ys = get_curve_points(p1, p2, winsize * 10)
    result, picks = [], []
    for x in np.linspace(0, 1, winsize):
        i = int(np.argmin((xs - x) ** 2))
        picks.append(i)
        result.append(ys[i])
    return np.array(result), picks


def article_curves(n: int, seed: int = 22) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """The article's generator loop for the first n curves: curves, (p1, p2) pairs, argmin picks."""
    np.random.seed(seed)
    data, params, picks = [], [], []
    for _ in range(n):
        p1 = np.random.uniform() * 2 - 1
        p2 = np.random.uniform() * 2 - 1
        ys, idx = generate_input(p1, p2)
        data.append(ys)
        params.append((p1, p2))
        picks.append(idx)
    return np.array(data), np.array(params), picks


def article_patches(curves: np.ndarray, winsize: int = 7) -> np.ndarray:
    """The training script's patch cutting loop."""
    inputs_cut = []
    np.random.seed(22)
    start_idxs = np.random.randint(0, curves.shape[1] - winsize, curves.shape[0])
    for i in range(len(start_idxs)):
        inputs_cut.append(curves[i, start_idxs[i]:start_idxs[i] + winsize])
    return np.array(inputs_cut)


def article_train(
    patches: np.ndarray,
    seed: int,
    epochs: int,
    device: str = "cpu",
    code_noise: tuple[float, float, float] | None = None,
    input_noise: float = 0.0,
    max_steps: int | None = None,
    activation: str = "tanh",
) -> dict:
    """The article's `train_model(seed)`: DataLoader(batch 128, shuffle), Adam 1e-4, MSE.

    Noise, when asked for, is applied per channel with the scales given (the article's slicing
    quirk is a choice of scales, see `core.train.VARIANTS`); `activation` 'relu' replaces the
    encoder's tanh (the code-noise-relu variant). Returns the state dicts, the
    per-epoch mean batch loss, and steps/second (for the benchmark); `max_steps` stops early.
    """
    dev = torch.device(device)
    inputs = torch.tensor(patches).float().unsqueeze(1).to(dev)
    dataset = TensorDataset(inputs)
    torch.manual_seed(seed)
    dataloader = DataLoader(dataset, batch_size=128, shuffle=True)
    enc = Encoder(3, 7, activation=activation).to(dev)
    dec = Decoder(3, 7).to(dev)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-4)
    mse = torch.nn.MSELoss()
    losses, steps = [], 0
    t0 = time.perf_counter()
    for _ in range(epochs):
        train_loss = 0.0
        for (item,) in dataloader:
            opt.zero_grad()
            if input_noise:
                item_in = item + torch.randn(item.shape).to(dev) * input_noise
            else:
                item_in = item
            code = enc(item_in)
            if code_noise is not None:
                coderand = torch.randn(code.shape).to(dev)
                for c, s in enumerate(code_noise):
                    coderand[:, c] *= s
                code = code + coderand
            out = dec(code)
            loss = mse(out, item)
            loss.backward()
            opt.step()
            train_loss += loss.item()
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        losses.append(train_loss / len(dataloader))
        if max_steps is not None and steps >= max_steps:
            break
    elapsed = time.perf_counter() - t0
    return {
        "encoder": {k: v.detach().cpu() for k, v in enc.state_dict().items()},
        "decoder": {k: v.detach().cpu() for k, v in dec.state_dict().items()},
        "losses": losses,
        "steps": steps,
        "steps_per_second": steps / elapsed if elapsed > 0 else float("inf"),
    }
