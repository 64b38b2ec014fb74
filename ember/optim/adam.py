"""Adam, and the state layout it shares with AdamW."""

from ._functional import adam_update
from .optimizer import (Optimizer, _check_betas, _check_fused, _check_lr, _check_nonnegative,
                        _bump, _increment, _scalar_state, _value, _zeros_state)
from .._tensor import Tensor

__all__ = ["Adam"]


def _check_beta_types(betas):
    """PyTorch requires both betas to be floats or both tensors (an int beta is refused)."""
    if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
        raise ValueError("betas must be either both floats or both Tensors")
    for i, beta in enumerate(betas):
        if isinstance(beta, Tensor) and beta.numel() != 1:
            raise ValueError(f"Tensor betas[{i}] must be 1-element")


class Adam(Optimizer):
    """Implements Adam (Kingma & Ba), with AMSGrad and decoupled weight decay options."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_lr(lr)
        _check_nonnegative(eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        _check_beta_types(betas)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    def _state_for(self, p, group):
        """The parameter's state, created on its first step in PyTorch's key order."""
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar_state(0.0, fused=bool(group["fused"] or group["capturable"]))
            state["exp_avg"] = _zeros_state(p)
            state["exp_avg_sq"] = _zeros_state(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _zeros_state(p)
        return state

    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss, if any."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            beta1, beta2 = (_value(b) for b in group["betas"])
            for p, grad in self._params_with_grad(group):
                state = self._state_for(p, group)
                max_sq = state["max_exp_avg_sq"]._data if group["amsgrad"] else None
                adam_update(
                    p._data, grad, state["exp_avg"]._data, state["exp_avg_sq"]._data, max_sq,
                    _increment(state["step"]), lr=_value(group["lr"]), beta1=beta1, beta2=beta2,
                    eps=group["eps"], weight_decay=group["weight_decay"], amsgrad=group["amsgrad"],
                    maximize=group["maximize"],
                    decoupled_weight_decay=group["decoupled_weight_decay"])
                _bump(p, state)
        return loss

