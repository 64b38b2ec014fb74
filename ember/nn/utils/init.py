"""``nn.utils.skip_init``: build a module without running its parameter initialization."""
import inspect

from ... import random as _random


def skip_init(module_cls, *args, **kwargs):
    r"""Given a module class object and args / kwargs, instantiate the module without initializing parameters / buffers.

    The parameters and buffers hold unspecified values, to be set by a later custom
    initialization. As in PyTorch, building the module draws nothing from the default
    generator, so later random numbers are those PyTorch draws.

    Args:
        module_cls: Class object; should be a subclass of :class:`torch.nn.Module`
        args: args to pass to the module's constructor
        kwargs: kwargs to pass to the module's constructor

    Returns:
        Instantiated module with uninitialized parameters / buffers
    """
    from ..modules.module import Module
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    # PyTorch builds on the meta device, which draws no random numbers: restore the state instead.
    state = _random.get_rng_state()
    try:
        return module_cls(*args, **kwargs)
    finally:
        _random.set_rng_state(state)
