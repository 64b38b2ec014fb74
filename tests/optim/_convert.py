"""Conversions between torch and ember values for the optimizer tests (tensors copied, dtype kept)."""

import numpy as np

import ember


def to_ember(value, torch):
    """A copy of ``value`` with every torch tensor replaced by an ember tensor of the same dtype."""
    if isinstance(value, torch.Tensor):
        return ember.from_numpy(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_ember(v, torch) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_ember(v, torch) for v in value)
    return value


def to_torch(value, torch):
    """A copy of ``value`` with every ember tensor replaced by a torch tensor of the same dtype."""
    if isinstance(value, ember.Tensor):
        return torch.from_numpy(np.array(value.detach().numpy(), copy=True))
    if isinstance(value, dict):
        return {k: to_torch(v, torch) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_torch(v, torch) for v in value)
    return value
