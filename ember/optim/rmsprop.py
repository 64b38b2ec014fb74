"""RMSprop: gradients scaled by a running root mean square."""

from ._functional import rmsprop_update
from .optimizer import (Optimizer, _bump, _check_lr, _check_nonnegative, _increment, _scalar_state,
                        _value, _zeros_state)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Implements RMSprop (Hinton), optionally centered and with momentum."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        _check_nonnegative(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _state_for(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar_state(0.0)
            state["square_avg"] = _zeros_state(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = _zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = _zeros_state(p)
        return state

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p, grad in self._params_with_grad(group):
                state = self._state_for(p, group)
                _increment(state["step"])
                grad_avg, buf = state.get("grad_avg"), state.get("momentum_buffer")
                rmsprop_update(
                    p._data, grad, state["square_avg"]._data,
                    grad_avg._data if group["centered"] else None,
                    buf._data if group["momentum"] > 0 else None, lr=_value(group["lr"]),
                    alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum=group["momentum"], centered=group["centered"],
                    maximize=group["maximize"])
                _bump(p, state)
        return loss
