"""Figures: placeholder, filled in by the figure work."""
