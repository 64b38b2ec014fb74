"""Utilities: ``ember.utils.data`` (datasets, samplers, DataLoader)."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
