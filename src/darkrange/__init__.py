"""darkrange: a simulated dark web for training and a toolkit for real investigations."""

__version__ = "0.1.0"

__all__ = ["__version__"]
