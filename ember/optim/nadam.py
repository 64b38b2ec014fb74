"""NAdam: Adam with Nesterov momentum."""

from ._functional import nadam_update
from .optimizer import (Optimizer, _bump, _check_betas, _check_lr, _check_nonnegative, _increment,
                        _scalar_state, _value, _zeros_state)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Implements NAdam (Dozat), with an optional decoupled weight decay (NAdamW)."""

    _scalar_state_keys = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_lr(lr)
        _check_nonnegative(eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p, grad in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_state(0.0)
                    state["mu_product"] = _scalar_state(1.0)
                    state["exp_avg"] = _zeros_state(p)
                    state["exp_avg_sq"] = _zeros_state(p)
                nadam_update(
                    p._data, grad, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                    state["mu_product"]._data, _increment(state["step"]), lr=_value(group["lr"]),
                    beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                    momentum_decay=group["momentum_decay"],
                    decoupled_weight_decay=group["decoupled_weight_decay"],
                    maximize=group["maximize"])
                _bump(p, state)
        return loss
