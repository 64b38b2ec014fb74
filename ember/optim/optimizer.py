"""Base class for all optimizers: parameter groups, per-parameter state, PyTorch's state_dict layout."""

import warnings
from collections import defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

import numpy as np

from .._dtype import float64, get_default_dtype
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad

__all__ = ["Optimizer", "required"]

_LEGACY_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                 "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                 "bool": "Bool"}


class _RequiredParameter:
    """Singleton marking an optimizer option that has no default."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    """``torch.typename``: ``ember.FloatTensor`` for a tensor, the qualified type name otherwise."""
    if isinstance(obj, Tensor):
        return f"ember.{_LEGACY_NAMES.get(obj.dtype.name, '')}Tensor"
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = obj.__class__.__module__ or "", obj.__class__.__qualname__
    return qualname if module in {"", "builtins"} else f"{module}.{qualname}"


def _scalar_state(value, fused=False):
    """A 0-d state tensor such as ``step``: float32, or float64 when that is the default dtype."""
    np_dtype = np.float64 if get_default_dtype() is float64 and not fused else np.float32
    return _wrap(np.array(value, dtype=np_dtype))


def _zeros_state(param):
    """A state tensor of zeros with the parameter's shape and dtype."""
    return _wrap(np.zeros_like(param._data))


def _increment(step):
    """Add one to a 0-d ``step`` state tensor in place; returns the new count as a Python float."""
    step._data += 1
    step._bump_version()
    return float(step._data)


def _bump(param, state):
    """Bump the version of a parameter and of the state tensors updated with it (``step`` has its own)."""
    param._bump_version()
    for key, value in state.items():
        if isinstance(value, Tensor) and key != "step":
            value._bump_version()


def _value(x):
    """A hyperparameter as a Python float (PyTorch accepts 1-element tensors for ``lr`` and betas)."""
    return float(x) if isinstance(x, Tensor) else x


def _check_lr(lr):
    """Raise PyTorch's errors for a bad learning rate."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_betas(betas):
    """Raise PyTorch's errors for betas outside [0, 1)."""
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _check_nonnegative(**values):
    """Raise ``Invalid <name> value: <v>`` (PyTorch's words; eps reads ``epsilon``) for negatives."""
    for name, value in values.items():
        if not 0.0 <= value:
            label = "epsilon" if name == "eps" else name
            raise ValueError(f"Invalid {label} value: {value}")


def _check_fused(fused, foreach, differentiable):
    """Raise PyTorch's errors for incompatible ``fused`` flags."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


class Optimizer:
    """Base class for all optimizers.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter
    groups with their own options); ``defaults`` holds the options a group does not set.
    """

    # State entries kept as 0-d tensors; older checkpoints may hold them as Python numbers.
    _scalar_state_keys = ("step",)

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors "
                            "or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            # PyTorch opens every group with a newline, so groups after the first follow a blank line
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    def add_param_group(self, param_group):
        """Add a param group (a dict with ``params`` and optional per-group options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        tensors, names = self._split_names(param_group["params"])
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
        if len(tensors) != len(set(tensors)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, "
                          "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for "
                          "more information", stacklevel=3)
        self._check_disjoint(tensors, bool(names))
        # Validated: only now write into the caller's dict, as PyTorch does.
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    @staticmethod
    def _split_names(params):
        """Tensors and names (empty unless given as ``(name, tensor)`` pairs) of a group's params."""
        if isinstance(params, Tensor):
            return [params], []
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                            "ordering of tensors in sets will change between runs. Please use a list "
                            "instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(tensors):
            raise ValueError("all optimizer params should be with/without names. Some param names are "
                             "missing")
        return tensors, names

    def _check_disjoint(self, tensors, named):
        """Raise PyTorch's errors when a group repeats a parameter or mixes named and unnamed groups."""
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if named != ("param_names" in group):
                which = "with names" if named else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors (to None by default, else to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                if grad._data.flags.writeable:
                    grad._data[...] = 0
                else:
                    grad._data = np.zeros_like(grad._data)
                grad._bump_version()

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure):
        """The loss from ``closure`` evaluated with grad enabled, or None."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _params_with_grad(group):
        """``(param, grad array)`` for each parameter of ``group`` that has a gradient."""
        return [(p, p.grad._data) for p in group["params"] if p.grad is not None]

    def state_dict(self):
        """Return the state as a dict: ``state`` keyed by parameter index and ``param_groups``."""
        mapping = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                mapping.setdefault(id(p), len(mapping))
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Load optimizer state from a dict returned by ``state_dict`` (ours or PyTorch's layout)."""
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size "
                             "of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._fix_scalar_state(_cast(param, v))
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            for name, default in self.defaults.items():
                saved.setdefault(name, default)
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})

    def _fix_scalar_state(self, param_state):
        """Turn Python-number scalar state (old checkpoints) into 0-d tensors, as PyTorch does."""
        if isinstance(param_state, dict):
            for key in self._scalar_state_keys:
                if key in param_state and not isinstance(param_state[key], Tensor):
                    param_state[key] = _scalar_state(float(param_state[key]))
        return param_state


def _cast(param, value, key=None):
    """Deep-copy loaded state, casting floating tensors (except ``step``) to the parameter's dtype."""
    if isinstance(value, Tensor):
        data = value._data
        if key != "step" and param._data.dtype.kind == "f":
            data = data.astype(param._data.dtype)
        # PyTorch may alias the loaded dict's tensors; a copy keeps the two optimizers independent.
        return _wrap(np.array(data, copy=True))
    if isinstance(value, dict):
        return {k: _cast(param, v, key=k) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return type(value)(_cast(param, v) for v in value)
    return value
