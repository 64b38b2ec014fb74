"""Activation checkpointing: ``checkpoint(function, *args, use_reentrant=...)``, as ``torch.utils.checkpoint``.

The forward runs without keeping the tensors its ops save for backward; backward runs it again
(from the same RNG state, so dropout draws the same mask) to get them back. Memory drops from
all intermediate activations to the inputs of each checkpointed segment.

- ``use_reentrant=False`` (recommended): the forward runs under ``saved_tensors_hooks`` whose pack
  hook stores only a position; the first unpack in backward recomputes the segment once with
  hooks that collect the real tensors, in the same order.
- ``use_reentrant=True``: the segment runs under no_grad inside a custom Function, whose backward
  recomputes it with grad and backpropagates through the copy.
"""
import warnings

from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks

__all__ = ["checkpoint", "checkpoint_sequential"]


def _rng_state():
    from ..random import get_rng_state
    return get_rng_state()


class _restored_rng:
    """Run a block from a saved RNG state, leaving the generator where it was afterwards."""

    def __init__(self, state, enabled):
        self.state, self.enabled = state, enabled

    def __enter__(self):
        if self.enabled:
            from ..random import set_rng_state
            self.outer = _rng_state()
            set_rng_state(self.state)

    def __exit__(self, *exc):
        if self.enabled:
            from ..random import set_rng_state
            set_rng_state(self.outer)


def _detached(args):
    from .._tensor import Tensor
    return [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a for a in args]


class CheckpointFunction(Function):
    """The reentrant variant: forward under no_grad, recompute and backpropagate in backward."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        from .._tensor import Tensor
        ctx.run_function, ctx.preserve = run_function, preserve_rng_state
        ctx.rng = _rng_state() if preserve_rng_state else None
        ctx.positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.others = list(args)
        ctx.save_for_backward(*[args[i] for i in ctx.positions])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from .._tensor import Tensor
        from ..autograd import backward, enable_grad
        args = list(ctx.others)
        for i, t in zip(ctx.positions, ctx.saved_tensors):
            args[i] = t
        args = _detached(args)
        with _restored_rng(ctx.rng, ctx.preserve), enable_grad():
            outputs = ctx.run_function(*args)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in args)


class _Recompute:
    """State shared by one non-reentrant checkpoint's pack and unpack hooks."""

    def __init__(self, function, args, kwargs, preserve):
        self.function, self.args, self.kwargs, self.preserve = function, args, kwargs, preserve
        self.rng = _rng_state() if preserve else None
        self.count = 0
        self.recomputed = None

    def pack(self, t):
        self.count += 1
        return self.count - 1

    def unpack(self, index):
        from ..autograd import enable_grad
        if self.recomputed is None:
            store = []
            with _restored_rng(self.rng, self.preserve), enable_grad(), \
                    saved_tensors_hooks(lambda t: store.append(t) or len(store) - 1, store.__getitem__):
                self.function(*_detached(self.args), **self.kwargs)
            if len(store) != self.count:
                raise RuntimeError(f"torch.utils.checkpoint: A different number of tensors was saved during the "
                                   f"original forward and recomputation.\nNumber of tensors saved during forward: "
                                   f"{self.count}\nNumber of tensors saved during recomputation: {len(store)}")
            self.recomputed = store
        return self.recomputed[index]


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               early_stop=True, **kwargs):
    """Return ``function(*args)``, keeping none of its intermediate tensors: backward recomputes them."""
    from .._tensor import Tensor
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between the "
                      "two variants.", stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
        return CheckpointFunction.apply(function, preserve, *args)
    state = _Recompute(function, args, kwargs, preserve)
    with saved_tensors_hooks(state.pack, state.unpack):
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a sequence of modules (or an ``nn.Sequential``) in ``segments`` checkpointed chunks."""
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = len(functions) // segments

    def run(start, end):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end + 1, len(functions) - 1)(input)
