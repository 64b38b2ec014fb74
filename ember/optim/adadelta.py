"""Adadelta: an adaptive learning rate from running averages of squared gradients and updates."""

from ._functional import adadelta_update
from .optimizer import (Optimizer, _bump, _check_lr, _check_nonnegative, _increment, _scalar_state,
                        _value, _zeros_state)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Implements Adadelta (Zeiler)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(eps=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p, grad in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_state(0.0)
                    state["square_avg"] = _zeros_state(p)
                    state["acc_delta"] = _zeros_state(p)
                _increment(state["step"])
                adadelta_update(p._data, grad, state["square_avg"]._data, state["acc_delta"]._data,
                                lr=_value(group["lr"]), rho=group["rho"], eps=group["eps"],
                                weight_decay=group["weight_decay"], maximize=group["maximize"])
                _bump(p, state)
        return loss
