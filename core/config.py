"""The training protocol's defaults (the article's), torch-free.

`core.train.TrainConfig` takes its defaults from here, and `deconv`'s parser shows them without
importing the trainer (and so torch). The variants' names are `core.weights.VARIANTS`.
"""

from __future__ import annotations

DEFAULT_SEEDS = tuple(range(11, 111, 11))  # 11, 22, ..., 110: one model per variant and seed
EPOCHS = 5000
LR = 1e-4  # Adam's learning rate
BATCH = 128
CODE_NOISE = (0.1, 0.01, 0.001)  # std of the noise added to each code channel
INPUT_NOISE = 0.01  # std of the noise on the encoder input (the input-noise variant)
SAVE_EVERY = 120.0  # seconds between saves of the resumable state
STATE_FILE = "train-state.safetensors"  # the resumable state, in the checkpoint folder
