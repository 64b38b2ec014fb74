"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from ._functional import sgd_update
from .._tensor import _wrap
from .optimizer import Optimizer, _check_fused, _check_lr, _value

__all__ = ["SGD"]


class SGD(Optimizer):
    """Implements stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            momentum = _value(group["momentum"])
            for p, grad in self._params_with_grad(group):
                # Without momentum PyTorch keeps no per-parameter state at all (not even {}).
                state = self.state[p] if momentum != 0 else {}
                buf = state.get("momentum_buffer")
                new_buf = sgd_update(
                    p._data, grad, None if buf is None else buf._data, lr=_value(group["lr"]),
                    momentum=momentum, dampening=_value(group["dampening"]),
                    weight_decay=_value(group["weight_decay"]), nesterov=group["nesterov"],
                    maximize=group["maximize"])
                p._bump_version()
                if momentum != 0:
                    if buf is None:
                        state["momentum_buffer"] = _wrap(new_buf)
                    else:
                        buf._bump_version()
        return loss
