"""deconv-explained core: the article's data, models, trainer and checkpoint format.

Importing `core` is cheap and torch-free; `core.model` and `core.train` pull in torch.
"""

__version__ = "0.1.0"
