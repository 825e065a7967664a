"""deconv-explained scenes: Manim explainers drawn from the trained checkpoints (numpy only, no torch)."""
