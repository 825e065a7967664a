"""The trainer: every requested model (variant x seed) trained at once as one batched computation.

Per model it is the article's loop (same init, same DataLoader shuffle order, Adam, MSE), only
vectorised over models; see `Trainer._epoch_steps` for the loop and the speed tricks it names, and
`Trainer.run_epoch` for how CUDA runs it (one captured CUDA graph per epoch).
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load as st_load_torch
from safetensors.torch import save as st_save_torch

import core
from core import config, data, overlap, weights
from core.data import KERNEL, N_CHANNELS, WINSIZE
from core.model import init_models

VARIANTS = weights.VARIANTS
DEFAULT_SEEDS = config.DEFAULT_SEEDS  # 11, 22, ..., 110
STATE_FILE = config.STATE_FILE
NOISE_SEED_OFFSET = 10**9  # a model's noise stream is seeded with seed + this
# one model as a flat row: the encoder's filters, each followed by its bias, the decoder's filters
# (transposed) and its bias; 46 numbers = 3*(7 + 1) + 7*3 + 1
ENC_SIZE = N_CHANNELS * (KERNEL + 1)
DEC_SIZE = KERNEL * N_CHANNELS
N_PARAMS = ENC_SIZE + DEC_SIZE + 1


@dataclass
class TrainConfig:
    """What to train. Defaults are the article's protocol (five variants, ten seeds), from
    `core.config`."""

    variants: tuple[str, ...] = weights.PATCH_VARIANTS
    seeds: tuple[int, ...] = DEFAULT_SEEDS
    epochs: int = config.EPOCHS
    lr: float = config.LR
    batch: int = config.BATCH
    code_noise: tuple[float, ...] = config.CODE_NOISE  # std per code channel
    input_noise: float = config.INPUT_NOISE  # std of the noise on the encoder input (input-noise)

    def __post_init__(self) -> None:
        self.variants = tuple(self.variants)
        self.seeds = tuple(int(s) for s in self.seeds)
        self.code_noise = tuple(float(s) for s in self.code_noise)
        bad = [v for v in self.variants if v not in VARIANTS]
        if bad:
            raise ValueError(f"unknown variant {bad[0]!r}; choose from {', '.join(VARIANTS)}")
        if not self.variants or not self.seeds:
            raise ValueError("give at least one variant and one seed")
        whole = {v in weights.WHOLE_VARIANTS for v in self.variants}
        if len(whole) > 1:
            whole_one = weights.WHOLE_VARIANTS[0]
            raise ValueError(f"{whole_one} trains on whole curves and the others on patches: train it "
                             f"on its own (deconv train --variants {whole_one})")
        if len(set(self.variants)) != len(self.variants) or len(set(self.seeds)) != len(self.seeds):
            raise ValueError("variants and seeds must not repeat")
        if self.epochs < 1 or self.batch < 1 or not 0 < self.lr < math.inf:
            raise ValueError("epochs and batch must be at least 1 and lr positive")
        if self.epochs > weights.MAX_EPOCHS:
            raise ValueError(f"--epochs: at most {weights.MAX_EPOCHS:,} (a checkpoint keeps the loss of "
                             "every epoch)")
        if len(self.code_noise) != N_CHANNELS or min(self.code_noise) < 0 or self.input_noise < 0:
            raise ValueError(f"code noise takes {N_CHANNELS} scales >= 0; input noise one scale >= 0")

    def noise(self, variant: str) -> tuple[tuple[float, ...], float]:
        """(code noise std per channel, input noise std) of a variant.

        `code-noise-relu` is code-noise's protocol with ReLU after the encoder (C11).
        `code-noise-article` is what the article's code really applied: its slices
        `coderand[:, 1 :] *= 0.01` also hit every later channel, so the scales multiply up.
        """
        if variant == "plain" or variant in weights.WHOLE_VARIANTS:
            return (0.0,) * N_CHANNELS, 0.0
        if variant in ("code-noise", "code-noise-relu"):
            return self.code_noise, 0.0
        if variant == "input-noise":
            return self.code_noise, self.input_noise
        return tuple(float(x) for x in np.cumprod(self.code_noise)), 0.0

    @property
    def whole(self) -> bool:
        """Whether these models train on whole curves (whole-curve) rather than 7-sample patches."""
        return self.variants[0] in weights.WHOLE_VARIANTS

    def models(self) -> list[tuple[str, int]]:
        return [(v, s) for v in self.variants for s in self.seeds]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        return cls(**json.loads(text))


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' is CUDA when available, else CPU. Raises ValueError for an unusable choice."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: CUDA is not available here (no GPU or a CPU build of torch); "
                         "use --device cpu or auto")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"--device {name}: choose auto, cpu or cuda")
    return torch.device(name)


def pack(enc_w: np.ndarray, enc_b: np.ndarray, dec_w: np.ndarray, dec_b: float) -> np.ndarray:
    """One model's parameters as the trainer's flat row of N_PARAMS (46) numbers.

    Layout: [encoder (3, 8): filter c then its bias] [decoder filters transposed (7, 3)] [bias].
    """
    enc = np.concatenate([enc_w, np.reshape(enc_b, (N_CHANNELS, 1))], axis=1)
    return np.concatenate([enc.ravel(), dec_w.T.ravel(), np.reshape(dec_b, 1)])


def unpack(flat: np.ndarray) -> dict[str, np.ndarray]:
    """A flat row back to the article's state-dict arrays (float32)."""
    flat = np.asarray(flat, dtype=np.float32)
    enc = flat[:ENC_SIZE].reshape(N_CHANNELS, KERNEL + 1)
    dec = flat[ENC_SIZE:ENC_SIZE + DEC_SIZE].reshape(KERNEL, N_CHANNELS).T
    return {
        "encoder.conv.weight": enc[:, :KERNEL].reshape(N_CHANNELS, 1, KERNEL).copy(),
        "encoder.conv.bias": enc[:, KERNEL].copy(),
        "decoder.deconv.weight": dec.reshape(N_CHANNELS, 1, KERNEL).copy(),
        "decoder.deconv.bias": flat[N_PARAMS - 1:N_PARAMS].copy(),
    }


class TrainingInterrupted(Exception):
    """Ctrl-C (SIGINT) or SIGTERM during training: the state at the last finished epoch was saved.
    `signum` is the signal that stopped it."""

    def __init__(self, epoch: int, state_path: Path, signum: int = signal.SIGINT):
        super().__init__(f"interrupted after epoch {epoch}; state saved to {state_path}")
        self.epoch = epoch
        self.state_path = state_path
        self.signum = int(signum)


class StateError(Exception):
    """A saved state that cannot be continued (its tensors do not fit the run it describes)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (what `timeout`, `kill` and schedulers send), raised like Ctrl-C while training, so
    that the same path saves the state."""


@contextmanager
def signals_as_interrupt():
    """While training, in the main thread: SIGTERM raises Terminated (a KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Terminated

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@dataclass
class TrainResult:
    config: TrainConfig
    device: str
    flat: np.ndarray  # (M, N_PARAMS) final parameters, one row per model of config.models()
    losses: np.ndarray  # (M, epochs) mean training loss per epoch
    seconds: float = 0.0
    model_steps_per_second: float = 0.0


class Trainer:
    """All models of a config as rows of one (M, N_PARAMS) parameter tensor, trained in lockstep."""

    cuda_graph = True  # False: CUDA epochs run op by op (the benchmark compares both)

    def __init__(self, cfg: TrainConfig, device: torch.device | str = "cpu",
                 patches: np.ndarray | None = None):
        self.cfg = cfg
        self.device = torch.device(device)
        self.pairs = cfg.models()
        M = self.M = len(self.pairs)
        # what the models see: 7-sample patches, one window each; whole-curve: whole 15-sample curves,
        # the windows at 0, 4 and 8 overlapping (`patches` is the curves then)
        length = WINSIZE if cfg.whole else KERNEL
        if patches is None:
            patches = data.make_curves()[0] if cfg.whole else data.make_patches()
        patches = np.asarray(patches, np.float32)
        if patches.ndim != 2 or patches.shape[1] != length:
            raise ValueError(f"{'curves' if cfg.whole else 'patches'} must have shape (N, {length}), "
                             f"got {patches.shape}")
        self.N = len(patches)
        self.starts = tuple(overlap.window_starts(length))  # (0,) for a patch, (0, 4, 8) for a curve
        # each window with a column of ones, so one matmul gives filter . window + bias: (N, windows, 8)
        ones = np.ones((self.N, 1), np.float32)
        X = np.stack([np.concatenate([patches[:, s:s + KERNEL], ones], axis=1) for s in self.starts], axis=1)
        self.X = torch.from_numpy(np.ascontiguousarray(X if cfg.whole else X[:, 0])).to(self.device)
        self.Y = torch.from_numpy(patches).to(self.device) if cfg.whole else None  # the targets

        # initialisation and shuffle stream: torch.manual_seed(seed), Encoder, Decoder (article)
        rows, shuffle_states = {}, {}
        for seed in cfg.seeds:
            enc, dec, state = init_models(seed)
            sd = {k: v.detach().numpy() for k, v in {**enc.state_dict(), **dec.state_dict()}.items()}
            rows[seed] = pack(sd["conv.weight"][:, 0], sd["conv.bias"], sd["deconv.weight"][:, 0],
                              sd["deconv.bias"][0])
            shuffle_states[seed] = state
        self.flat = torch.tensor(np.stack([rows[s] for _, s in self.pairs]), dtype=torch.float32,
                                 device=self.device)
        self.shuffle_gens = []
        for _, seed in self.pairs:
            g = torch.Generator()
            g.set_state(shuffle_states[seed].clone())
            self.shuffle_gens.append(g)
        self.noise_gens = [torch.Generator(self.device).manual_seed(seed + NOISE_SEED_OFFSET)
                           for _, seed in self.pairs]

        scales = [cfg.noise(v) for v, _ in self.pairs]
        self.code_scale = torch.tensor([c for c, _ in scales], device=self.device).view(M, N_CHANNELS, 1)
        self.input_scale = torch.tensor([i for _, i in scales], device=self.device).view(M, 1, 1)
        self.code_noisy = [m for m, (c, _) in enumerate(scales) if max(c) > 0]
        # rows whose encoder is ReLU (None when every model is tanh: the article's path, untouched)
        relu = [weights.activation_of(v) == "relu" for v, _ in self.pairs]
        self.relu_rows = (torch.tensor(relu, device=self.device).view(M, 1, 1) if any(relu)
                          else None)
        self.input_noisy = [m for m, (_, i) in enumerate(scales) if i > 0]
        # allocated once (zeroing 20 MB every epoch costs more than the epoch's arithmetic);
        # rows of models without noise stay zero
        self.code_noise_buf = (torch.zeros(M, N_CHANNELS, self.N, device=self.device)
                               if self.code_noisy else None)
        self.input_noise_buf = (torch.zeros(M, self.N, KERNEL + 1, device=self.device)
                                if self.input_noisy else None)
        # Adam moments; Adam is elementwise, so one Adam over (M, N_PARAMS) is one Adam per model
        self.exp_avg = torch.zeros_like(self.flat)
        self.exp_avg_sq = torch.zeros_like(self.flat)
        self.adam_steps = 0
        self.epoch = 0
        self.losses: list[np.ndarray] = []
        # CUDA only (see `run_epoch`): the shuffles drawn on threads; the epoch's inputs in fixed
        # buffers (shuffle, noise above, Adam's per-step scalars), so that it can be a graph
        cuda = self.device.type == "cuda"
        self._pool = ThreadPoolExecutor(8) if cuda else None
        n_batches = math.ceil(self.N / cfg.batch)
        self._perm_buf = torch.zeros(M, self.N, dtype=torch.int64, device=self.device) if cuda else None
        self._adam_table = torch.zeros(n_batches, 2, device=self.device) if cuda else None
        self._graph: torch.cuda.CUDAGraph | None = None
        self._graph_loss: torch.Tensor | None = None
        # set when the buffers already hold the next epoch's inputs: the RNG states before drawing
        self._drawn_ahead: tuple[list[torch.Tensor], list[torch.Tensor]] | None = None

    # --- the article's DataLoader, per model ---------------------------------------------------
    def _epoch_permutations(self) -> torch.Tensor:
        """(M, N) sample order of this epoch for every model, as the article's DataLoader draws it.

        Each epoch `iter(DataLoader)` takes a base seed from the global RNG, then RandomSampler
        takes a seed for its own generator and shuffles with randperm. We replay both draws on
        each model's private copy of the global RNG stream.
        """
        if self._pool is not None:  # independent streams: the same draws, in parallel
            return torch.stack(list(self._pool.map(self._permutation, self.shuffle_gens)))
        return torch.stack([self._permutation(g) for g in self.shuffle_gens])

    def _permutation(self, g: torch.Generator) -> torch.Tensor:
        torch.empty((), dtype=torch.int64).random_(generator=g)  # the loader's base seed
        seed = int(torch.empty((), dtype=torch.int64).random_(generator=g).item())
        return torch.randperm(self.N, generator=torch.Generator().manual_seed(seed))

    def _epoch_noise(self) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """This epoch's code noise (M, 3, N) and input noise (M, N, 8), drawn per model.

        Noise is i.i.d., so drawing a whole epoch at once per model is the same distribution as
        drawing per batch; models without noise get none drawn (their stream stays untouched).
        """
        code, inp = self.code_noise_buf, self.input_noise_buf
        if code is not None:
            for m in self.code_noisy:
                torch.randn(N_CHANNELS, self.N, generator=self.noise_gens[m], device=self.device,
                            out=code[m])
            code.mul_(self.code_scale)
        if inp is not None:
            for m in self.input_noisy:  # drawn contiguous: randn into a strided view is slow
                inp[m, :, :KERNEL] = torch.randn(self.N, KERNEL, generator=self.noise_gens[m],
                                                 device=self.device)
            inp.mul_(self.input_scale)
        return code, inp

    # --- one epoch -----------------------------------------------------------------------------
    def run_epoch(self) -> torch.Tensor:
        """Train every model for one epoch; returns (M,) mean batch loss (the article's print).

        On CUDA the epoch is one captured CUDA graph, replayed (~3,500 kernels, launched at once
        instead of one by one from Python), and while the GPU runs it the next epoch's shuffle
        and noise are drawn into the graph's input buffers (queued behind it on the stream).
        `cuda_graph = False` runs the same kernels one by one: the same bits, only slower.
        """
        if self._adam_table is None:  # CPU
            perms = self._epoch_permutations()
            code_noise, input_noise = self._epoch_noise()
            mean = self._epoch_steps(perms, code_noise, input_noise)
        elif not self.cuda_graph:
            if self._drawn_ahead is None:
                self._draw_inputs()
            self._drawn_ahead = None
            mean = self._epoch_steps(self._perm_buf, self.code_noise_buf, self.input_noise_buf)
        else:
            if self._drawn_ahead is None:
                self._draw_inputs()
            if self._graph is None:
                self._capture()
            self._graph.replay()
            self.adam_steps += len(self._adam_table)
            mean = self._graph_loss.clone()
            states = ([g.get_state() for g in self.shuffle_gens],
                      [g.get_state() for g in self.noise_gens])
            self._draw_inputs()  # the next epoch's, while the GPU works on this one
            self._drawn_ahead = states
        self.epoch += 1
        self.losses.append(mean.cpu().numpy().astype(np.float64))
        return mean

    def _draw_inputs(self) -> None:
        """CUDA: this epoch's shuffle, noise and Adam scalars into the input buffers."""
        self._drawn_ahead = None
        perms = self._epoch_permutations()  # on the CPU, where the article's DataLoader draws
        self._epoch_noise()
        table = [(-step_size, np.float32(1) / np.float32(bc2)) for step_size, bc2 in
                 map(self._adam_scalars, range(self.adam_steps + 1,
                                               self.adam_steps + 1 + len(self._adam_table)))]
        self._adam_table.copy_(torch.tensor(table, dtype=torch.float32))
        self._perm_buf.copy_(perms)

    def _capture(self) -> None:
        """Capture one epoch into a CUDA graph that reads the input buffers. A warm-up epoch
        runs first on a side stream (as graph capture asks), its effect undone."""
        saved = (self.flat.clone(), self.exp_avg.clone(), self.exp_avg_sq.clone(), self.adam_steps)

        def restore() -> None:
            self.flat.copy_(saved[0])
            self.exp_avg.copy_(saved[1])
            self.exp_avg_sq.copy_(saved[2])
            self.adam_steps = saved[3]

        inputs = (self._perm_buf, self.code_noise_buf, self.input_noise_buf)
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            self._epoch_steps(*inputs)
            restore()
        torch.cuda.current_stream(self.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._graph_loss = self._epoch_steps(*inputs)
        restore()  # capture ran no kernels; only the step count moved
        torch.cuda.synchronize(self.device)
        self._graph = graph

    def _epoch_steps(self, perms: torch.Tensor, code_noise: torch.Tensor | None,
                     input_noise: torch.Tensor | None) -> torch.Tensor:
        """The batches of one epoch, in `perms` order; returns (M,) mean batch loss.

        Speed tricks, all exact up to float rounding:
        - models are a batch dimension: each layer is one `bmm` over all models;
        - the patch model on a 7-sample patch is dense (one window), so conv = filter . patch and
          transposed conv = sum_c code_c * filter_c; gradients are written out by hand (no
          autograd graph per step);
        - tensors are laid out (model, feature, batch) so that bmm runs on long rows;
        - Adam is written out (`adam`), the same arithmetic as torch's, without its per-call cost
          (on CUDA `_adam_with_table`, which can differ from it in the last bit).
        """
        if self.cfg.whole:
            return self._whole_steps(perms)
        M, B, N = self.M, self.cfg.batch, self.N
        C, K = N_CHANNELS, KERNEL
        enc = self.flat[:, :ENC_SIZE].view(M, C, K + 1)  # views: Adam updates them in place
        dec = self.flat[:, ENC_SIZE:ENC_SIZE + DEC_SIZE].view(M, K, C)
        bias = self.flat[:, N_PARAMS - 1:].view(M, 1, 1)
        total = torch.zeros(M, device=self.device)
        n_batches = 0
        for s in range(0, N, B):
            idx = perms[:, s:s + B]
            b = idx.shape[1]
            x = self.X.index_select(0, idx.reshape(-1)).view(M, b, K + 1)  # (M, b, 7 + ones)
            x_in = x if input_noise is None else x + input_noise[:, s:s + B]
            # forward: code = tanh(W_enc . x + b_enc) (or ReLU); out = W_dec^T (code + noise) + b_dec
            pre = torch.bmm(enc, x_in.transpose(1, 2))  # (M, 3, b)
            code = torch.tanh(pre)
            if self.relu_rows is not None:  # chosen per model: a tanh row's bits do not change
                code = torch.where(self.relu_rows, torch.relu(pre), code)
            z = code if code_noise is None else code + code_noise[:, :, s:s + B]
            out = torch.baddbmm(bias, dec, z)  # (M, 7, b)
            diff = out - x[:, :, :K].transpose(1, 2)
            total += diff.square().sum((1, 2)) / (b * K)
            # backward of mean((out - x)^2) per model
            g_out = diff * (2.0 / (b * K))
            g_dec = torch.bmm(g_out, z.transpose(1, 2))  # (M, 7, 3)
            g_bias = g_out.sum((1, 2))
            g_code = torch.bmm(dec.transpose(1, 2), g_out)
            g_pre = torch.ops.aten.tanh_backward(g_code, code)  # g * (1 - tanh^2)
            if self.relu_rows is not None:  # ReLU's: g where the pre-activation is > 0, else 0
                g_pre = torch.where(self.relu_rows, torch.ops.aten.threshold_backward(g_code, code, 0),
                                    g_pre)
            g_enc = torch.bmm(g_pre, x_in)  # (M, 3, 8): filters and biases at once
            self._step(g_enc, g_dec, g_bias, n_batches)
            n_batches += 1
        return total / n_batches

    def _step(self, g_enc: torch.Tensor, g_dec: torch.Tensor, g_bias: torch.Tensor, n: int) -> None:
        """Batch n's Adam step from its gradients: encoder (M, 3, 8), decoder (M, 7, 3), bias (M,)."""
        M = self.M
        grad = torch.cat([g_enc.reshape(M, ENC_SIZE), g_dec.reshape(M, DEC_SIZE), g_bias.view(M, 1)], 1)
        if self._adam_table is None:
            self.adam(grad)
        else:
            self._adam_with_table(grad, self._adam_table[n])

    def _whole_steps(self, perms: torch.Tensor) -> torch.Tensor:
        """One epoch of whole-curve models: each curve's three windows encoded (one bmm, the windows
        as more batch), decoded, placed at 0, 4 and 8 and added, plus the bias once per sample: the
        article's Conv1d and ConvTranspose1d on a 15-sample curve. The loss is the mean square error
        over the curve's 15 samples; gradients written out as in `_epoch_steps` (a window's share of
        the output's gradient is its 7 samples'; the bias gets every sample's once). No noise."""
        M, B, N = self.M, self.cfg.batch, self.N
        C, K, W, L = N_CHANNELS, KERNEL, len(self.starts), self.Y.shape[1]
        enc = self.flat[:, :ENC_SIZE].view(M, C, K + 1)
        dec = self.flat[:, ENC_SIZE:ENC_SIZE + DEC_SIZE].view(M, K, C)
        bias = self.flat[:, N_PARAMS - 1:].view(M, 1, 1)
        total = torch.zeros(M, device=self.device)
        n_batches = 0
        for s in range(0, N, B):
            idx = perms[:, s:s + B].reshape(-1)
            b = idx.numel() // M
            x = self.X.index_select(0, idx).view(M, b * W, K + 1)  # curve-major, window-minor
            code = torch.tanh(torch.bmm(enc, x.transpose(1, 2)))  # (M, 3, b·W)
            pieces = torch.bmm(dec, code).view(M, K, b, W)  # each window's decoded 7 samples
            out = bias.expand(M, L, b).clone()
            for w, at in enumerate(self.starts):
                out[:, at:at + K] += pieces[..., w]
            diff = out - self.Y.index_select(0, idx).view(M, b, L).transpose(1, 2)
            total += diff.square().sum((1, 2)) / (b * L)
            g_out = diff * (2.0 / (b * L))
            g_pieces = torch.stack([g_out[:, at:at + K] for at in self.starts], -1).reshape(M, K, b * W)
            g_dec = torch.bmm(g_pieces, code.transpose(1, 2))
            g_pre = torch.ops.aten.tanh_backward(torch.bmm(dec.transpose(1, 2), g_pieces), code)
            self._step(torch.bmm(g_pre, x), g_dec, g_out.sum((1, 2)), n_batches)
            n_batches += 1
        return total / n_batches

    def adam(self, grad: torch.Tensor, beta1: float = 0.9, beta2: float = 0.999,
             eps: float = 1e-8) -> None:
        """One Adam step on every model: torch.optim.Adam's single-tensor update, operation for
        operation (so results match the article's optimiser up to float rounding)."""
        self.adam_steps += 1
        self.exp_avg.lerp_(grad, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        step_size, bias_correction2_sqrt = self._adam_scalars(self.adam_steps, beta1, beta2)
        denom = (self.exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        self.flat.addcdiv_(self.exp_avg, denom, value=-step_size)

    def _adam_with_table(self, grad: torch.Tensor, scalars: torch.Tensor, beta1: float = 0.9,
                         beta2: float = 0.999, eps: float = 1e-8) -> None:
        """CUDA's Adam step: as `adam`, but the step's two scalars (-step size, 1 / sqrt of the
        bias correction) are read from device memory, so that one captured graph serves every
        step. Division by the correction is a multiplication by its float32 inverse (as CUDA
        divides by a scalar, so that is the same); the update is addcmul's rounding of
        flat + (-step size) * (m / denom), which can differ from addcdiv's in the last bit."""
        self.adam_steps += 1
        self.exp_avg.lerp_(grad, 1 - beta1)
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = self.exp_avg_sq.sqrt().mul_(scalars[1]).add_(eps)
        self.flat.addcmul_(self.exp_avg / denom, scalars[0])

    def _adam_scalars(self, step: int, beta1: float = 0.9,
                      beta2: float = 0.999) -> tuple[float, float]:
        """Adam's step size and sqrt of the second-moment bias correction at `step`."""
        return self.cfg.lr / (1 - beta1**step), (1 - beta2**step) ** 0.5

    # --- state for resuming --------------------------------------------------------------------
    def snapshot(self) -> dict[str, torch.Tensor]:
        """Everything needed to continue bit for bit (weights, Adam moments, RNG streams), at an
        epoch boundary; the loss history is append-only, so `state` cuts it at `epoch`."""
        return {
            "flat": self.flat.cpu().clone(),
            "adam.exp_avg": self.exp_avg.cpu().clone(),
            "adam.exp_avg_sq": self.exp_avg_sq.cpu().clone(),
            "adam.step": torch.tensor([self.adam_steps], dtype=torch.int64),
            "rng.shuffle": torch.stack(self._drawn_ahead[0] if self._drawn_ahead
                                       else [g.get_state() for g in self.shuffle_gens]),
            "rng.noise": torch.stack(self._drawn_ahead[1] if self._drawn_ahead
                                     else [g.get_state() for g in self.noise_gens]),
            "epoch": torch.tensor([self.epoch], dtype=torch.int64),
        }

    def state(self, snap: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
        """A snapshot plus the loss history up to its epoch."""
        snap = self.snapshot() if snap is None else snap
        done = int(snap["epoch"][0])
        losses = np.array(self.losses[:done], dtype=np.float64).reshape(done, self.M).T
        return {**snap, "losses": torch.from_numpy(np.ascontiguousarray(losses))}

    def load_state(self, st: dict[str, torch.Tensor]) -> None:
        self.flat.copy_(st["flat"])
        self.exp_avg.copy_(st["adam.exp_avg"])
        self.exp_avg_sq.copy_(st["adam.exp_avg_sq"])
        self.adam_steps = int(st["adam.step"][0])
        self.epoch = int(st["epoch"][0])
        self._drawn_ahead = None
        for g, s in zip(self.shuffle_gens, st["rng.shuffle"]):
            g.set_state(s.clone())
        for g, s in zip(self.noise_gens, st["rng.noise"]):
            g.set_state(s.clone())
        self.losses = [row.copy() for row in st["losses"].numpy().T]


def save_state(path: Path, trainer: Trainer, state: dict[str, torch.Tensor]) -> None:
    meta = {"config": trainer.cfg.to_json(), "device": trainer.device.type,
            "epoch": str(int(state["epoch"][0])), "torch": torch.__version__}
    weights.atomic_write_bytes(path, st_save_torch({k: v.contiguous() for k, v in state.items()},
                                                   metadata=meta))


def read_state(path: Path) -> tuple[TrainConfig, str, dict[str, torch.Tensor]]:
    """A saved run: its config, its device and its tensors. The header is read first (safetensors
    checks that it describes the whole file); a file larger than the state of the run it describes
    can be is refused (StateError) before it is read into memory."""
    meta = weights.safetensors_metadata(path)
    cfg = TrainConfig.from_json(meta["config"])
    size, most = Path(path).stat().st_size, state_bytes_at_most(cfg)
    if size > most:
        raise StateError(f"{size:,} bytes, more than the saved state of its run can be ({most:,})")
    return cfg, meta["device"], st_load_torch(Path(path).read_bytes())


def state_bytes_at_most(cfg: TrainConfig) -> int:
    """A generous bound on the size of a saved state of `cfg`'s run: per model its parameters and
    Adam's two moments (3 x 46 float32), two random generators' states (about 5 KiB each on the
    CPU) and a float64 loss per epoch; 64 KiB a model for all but the losses, and 1 MiB of header."""
    return len(cfg.models()) * ((64 << 10) + 8 * cfg.epochs) + (1 << 20)


def train(
    cfg: TrainConfig,
    device: torch.device | str = "cpu",
    state_path: Path | None = None,
    resume: bool = False,
    save_every: float = config.SAVE_EVERY,
    progress: bool = True,
    patches: np.ndarray | None = None,
    on_epoch: Callable[[int], None] | None = None,
) -> TrainResult:
    """Train every model of `cfg`; with `state_path`, save resumable state every `save_every` s
    and on Ctrl-C (then raise TrainingInterrupted). `resume` continues from that state. A finished
    run leaves its final state there too: `export(..., state_path=...)` removes it once the
    checkpoints and the manifest are safely written, so a failure while writing them loses nothing."""
    from tqdm.auto import tqdm

    trainer = Trainer(cfg, device, patches)
    if resume:
        try:
            trainer.load_state(read_state(state_path)[2])
            if not 0 <= trainer.epoch <= cfg.epochs or len(trainer.losses) != trainer.epoch:
                raise ValueError(f"epoch {trainer.epoch} of {cfg.epochs}")
        except Exception as e:  # noqa: BLE001 - a garbled or edited state: one message
            raise StateError(f"the saved state does not fit its run ({type(e).__name__}: "
                             f"{str(e).splitlines()[0][:80] if str(e) else ''})") from None
    n_batches = math.ceil(trainer.N / cfg.batch)
    snap = trainer.snapshot()
    last_save = time.monotonic()
    t0, start_epoch = time.perf_counter(), trainer.epoch
    bar = tqdm(total=cfg.epochs, initial=trainer.epoch, unit="epoch", disable=not progress,
               desc=f"{trainer.M} models", dynamic_ncols=True)
    with signals_as_interrupt():  # SIGTERM stops it like Ctrl-C: the state is saved
        try:
            while trainer.epoch < cfg.epochs:
                loss = trainer.run_epoch()  # Ctrl-C in here: the epoch is dropped, `snap` is saved
                snap = trainer.snapshot()
                if progress:
                    _show_progress(bar, trainer, loss, n_batches)
                bar.update(1)
                if on_epoch is not None:
                    on_epoch(trainer.epoch)
                if state_path is not None and time.monotonic() - last_save > save_every:
                    _save_uninterruptible(state_path, trainer, trainer.state(snap))
                    last_save = time.monotonic()
        except KeyboardInterrupt as e:
            bar.close()
            if state_path is None:
                raise
            _save_uninterruptible(state_path, trainer, trainer.state(snap), stopping=True)
            signum = signal.SIGTERM if isinstance(e, Terminated) else signal.SIGINT
            raise TrainingInterrupted(int(snap["epoch"][0]), state_path, signum) from None
    bar.close()
    seconds = time.perf_counter() - t0
    steps = (trainer.epoch - start_epoch) * n_batches * trainer.M
    if state_path is not None:
        _save_uninterruptible(state_path, trainer, trainer.state(snap), stopping=True)
    return TrainResult(cfg, trainer.device.type, trainer.flat.cpu().numpy().copy(),
                       np.stack(trainer.losses, axis=1) if trainer.losses else np.zeros((trainer.M, 0)),
                       seconds, steps / seconds if seconds > 0 else 0.0)


def _show_progress(bar, trainer: Trainer, loss: torch.Tensor, n_batches: int) -> None:
    """Postfix: mean loss per variant over its seeds, and model-steps per second."""
    per_variant: dict[str, list[float]] = {v: [] for v in trainer.cfg.variants}
    for (v, _), x in zip(trainer.pairs, loss.tolist()):
        per_variant[v].append(x)
    rate = bar.format_dict.get("rate") or 0.0
    bar.set_postfix_str(" ".join(f"{v}={np.mean(x):.2e}" for v, x in per_variant.items())
                        + f" | {rate * n_batches * trainer.M:,.0f} model-steps/s", refresh=False)


def _save_uninterruptible(path: Path, trainer: Trainer, state: dict[str, torch.Tensor],
                          stopping: bool = False) -> None:
    """Save with Ctrl-C held back, so it cannot leave half a file; a Ctrl-C that arrived during
    the save is raised once the file is complete (unless we are `stopping` anyway)."""
    if threading.current_thread() is not threading.main_thread():
        save_state(path, trainer, state)
        return
    pending: list[int] = []
    held = {n: signal.signal(n, lambda signum, frame: pending.append(signum))
            for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        save_state(path, trainer, state)
    finally:
        for n, old in held.items():
            signal.signal(n, old)
    if pending and not stopping:
        raise Terminated if pending[0] == signal.SIGTERM else KeyboardInterrupt


def export(result: TrainResult, out_dir: str | Path, state_path: str | Path | None = None) -> list[Path]:
    """Write one safetensors file per model and refresh the folder's manifest
    (`weights.install_checkpoints`: the set appears whole or not at all, as far as a file system
    allows), then delete the run's resumable state (`state_path`), and only then."""
    final = weights.install_checkpoints(out_dir, list(_checkpoints(result)))
    if state_path is not None:
        Path(state_path).unlink(missing_ok=True)
    return final


def _checkpoints(result: TrainResult):
    """(variant, seed, arrays, metadata) of each trained model."""
    cfg = result.config
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for m, (variant, seed) in enumerate(cfg.models()):
        code, inp = cfg.noise(variant)
        arrays = unpack(result.flat[m])
        arrays[weights.LOSS_KEY] = result.losses[m].astype(np.float64)
        meta = {
            "variant": variant, "seed": seed, "epochs": int(result.losses.shape[1]),
            "activation": weights.activation_of(variant),
            "lr": cfg.lr, "batch": cfg.batch, "code_noise": list(code), "input_noise": inp,
            "final_loss": float(result.losses[m, -1]), "device": result.device,
            "torch": torch.__version__, "numpy": np.__version__, "deconv": core.__version__,
            "date": date, "source": "deconv train",
            "data": "whole curves" if cfg.whole else "patches",
        }
        yield variant, seed, arrays, meta
