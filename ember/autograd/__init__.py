"""``ember.autograd``: reverse-mode automatic differentiation, with PyTorch's API."""
from .engine import backward, grad
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, once_differentiable
from .variable import Variable
from .gradcheck import gradcheck, gradgradcheck
from .saved import SavedTensor
from . import anomaly_mode, forward_ad, function, functional, graph, viz

__all__ = ["backward", "grad", "enable_grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled",
           "no_grad", "set_grad_enabled", "graph", "Function", "once_differentiable", "detect_anomaly",
           "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "anomaly_mode", "function",
           "gradcheck", "gradgradcheck", "forward_ad", "functional", "viz", "SavedTensor", "Variable"]
