"""The article's patch autoencoder: a Conv1d encoder with tanh and a ConvTranspose1d decoder.

Module and parameter names match the article's files (`conv.weight`, `deconv.bias`, ...).
Channels, kernel size and stride are `core.data`'s (set there only).
"""

from __future__ import annotations

import torch

from core.data import KERNEL, N_CHANNELS, STRIDE


class Encoder(torch.nn.Module):
    """Conv1d(1 -> ch, kernel win, stride) then tanh (the article's), or ReLU with
    activation='relu' (the code-noise-relu variant). (N, 1, L) -> (N, ch, (L - win) // stride + 1)."""

    def __init__(self, ch: int = N_CHANNELS, win: int = KERNEL, stride: int = STRIDE,
                 activation: str = "tanh"):
        super().__init__()
        if activation not in ("tanh", "relu"):
            raise ValueError(f"activation {activation!r}: choose tanh or relu")
        self.activation = activation
        self.conv = torch.nn.Conv1d(1, ch, win, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.conv(x)
        return torch.relu(pre) if self.activation == "relu" else torch.tanh(pre)


class Decoder(torch.nn.Module):
    def __init__(self, ch: int = N_CHANNELS, win: int = KERNEL, stride: int = STRIDE):
        super().__init__()
        self.deconv = torch.nn.ConvTranspose1d(ch, 1, win, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.deconv(x)


def init_models(seed: int) -> tuple[Encoder, Decoder, torch.Tensor]:
    """Build Encoder then Decoder right after `torch.manual_seed(seed)`, as the article does.

    Returns the two modules and the CPU RNG state right after they were built (the state the
    article's DataLoader then draws its shuffle seeds from). The caller's global RNG is untouched.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        enc, dec = Encoder(), Decoder()
        state = torch.get_rng_state()
    return enc, dec, state
