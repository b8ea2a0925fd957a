"""torch-dojo: a terminal workbook for learning PyTorch by doing."""

__version__ = "0.1.0"
