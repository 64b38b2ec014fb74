"""``ember.autograd``: reverse-mode automatic differentiation, with PyTorch's API."""
from .engine import backward, grad
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from . import graph

__all__ = ["backward", "grad", "enable_grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled",
           "no_grad", "set_grad_enabled", "graph"]
