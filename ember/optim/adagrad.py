"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

import numpy as np

from .._tensor import _wrap
from ._functional import adagrad_update
from .optimizer import (Optimizer, _bump, _check_fused, _check_lr, _check_nonnegative, _increment,
                        _scalar_state, _value)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Implements Adagrad (Duchi et al.); its state is created for every parameter at construction."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_nonnegative(lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group["fused"])

    def _init_state(self, p, fused):
        state = self.state[p]
        state["step"] = _scalar_state(0.0, fused=bool(fused))
        # PyTorch fills with the optimizer-wide default, not the group's value.
        state["sum"] = _wrap(np.full_like(p._data, self.defaults["initial_accumulator_value"]))
        return state

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p, grad in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:  # a parameter added later with add_param_group
                    state = self._init_state(p, group["fused"])
                adagrad_update(p._data, grad, state["sum"]._data, _increment(state["step"]),
                               lr=_value(group["lr"]), lr_decay=group["lr_decay"],
                               weight_decay=group["weight_decay"], eps=group["eps"],
                               maximize=group["maximize"])
                _bump(p, state)
        return loss
