"""Grad mode: whether ops record the graph. Thread-local, as in PyTorch."""
import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled"]


class _State(threading.local):
    # class attributes are each thread's starting values
    enabled = True      # whether ops record: grad mode, and never inside inference mode
    inference = False
    grad = True         # the grad mode is_grad_enabled() reports inside inference mode, where
    #                     enable_grad() turns it on without recording anything (as in PyTorch)


_state = _State()


def is_grad_enabled():
    """Return True if grad mode is currently enabled."""
    state = _state
    return state.grad if state.inference else state.enabled


def is_inference_mode_enabled():
    """Return True if inference mode is currently enabled."""
    return _state.inference


class _DecoratorContextManager:
    """A context manager that also decorates functions and generator functions."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("ember grad-mode context managers cannot decorate classes")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def generator_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                try:
                    with self.clone():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with self.clone():
                                gen.close()
                            raise
                        except BaseException as exc:
                            with self.clone():
                                response = gen.throw(exc)
                        else:
                            with self.clone():
                                response = gen.send(request)
                except StopIteration as stop:  # the generator finished: its return value is ours
                    return stop.value
            return generator_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Context manager (and decorator) that disables gradient recording."""

    def __new__(cls, orig_func=None):
        if orig_func is not None:  # used bare as @no_grad, which PyTorch also accepts
            return cls()(orig_func)
        return super().__new__(cls)

    def __init__(self, orig_func=None):
        self.prev = (True, True)

    def __enter__(self):
        state = _state
        self.prev = (state.enabled, state.grad)
        state.enabled = state.grad = False

    def __exit__(self, *exc):
        _state.enabled, _state.grad = self.prev


class enable_grad(_DecoratorContextManager):
    """Context manager (and decorator) that enables gradient recording."""

    def __enter__(self):
        state = _state
        self.prev = (state.enabled, state.grad)
        state.grad = True
        state.enabled = not state.inference

    def __exit__(self, *exc):
        _state.enabled, _state.grad = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off; works as a function, a context manager and a decorator."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        state = _state
        self.prev = (state.enabled, state.grad)
        self.mode = mode
        state.grad = mode
        state.enabled = mode and not state.inference

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state.enabled, _state.grad = self.prev

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, func):
        _state.enabled, _state.grad = self.prev  # as a decorator, the mode applies only inside the call
        return super().__call__(func)


# ---------------------------------------------------------------- inference mode
# A tensor made inside inference mode is an inference tensor: its version counter is the one shared
# object below, which has no count. PyTorch raises its inference-tensor errors where the version
# counter is used: when a recorded op saves the tensor (it reads the version, to check it at
# backward), and when an in-place op bumps it. Ember does the same, so tensors that are not
# inference tensors pay nothing for the feature.

INFERENCE_SAVE_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `ember.no_grad()` instead of `ember.inference_mode()`.")
INFERENCE_INPLACE_MESSAGE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
    "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
INFERENCE_VERSION_MESSAGE = "Inference tensors do not track version counter."
INFERENCE_REQUIRES_GRAD_MESSAGE = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."


class _InferenceVersion:
    """The version counter of every inference tensor, in the place of the one-item list of the others."""

    __slots__ = ()

    def __getitem__(self, index):
        # read by an op that records a node saving this tensor for backward
        raise RuntimeError(INFERENCE_SAVE_MESSAGE)

    def bump(self):
        """An in-place update: allowed inside inference mode only, and counted nowhere."""
        if not _state.inference:
            raise RuntimeError(INFERENCE_INPLACE_MESSAGE)

    def version(self):
        raise RuntimeError(INFERENCE_VERSION_MESSAGE)


INFERENCE_VERSION = _InferenceVersion()


class _InferenceUse:
    """Process-wide: whether some thread is inside inference mode. Making a tensor checks this one
    attribute (a few nanoseconds) before the thread-local mode, so code that never enters inference
    mode pays nothing more."""

    __slots__ = ("active", "users", "lock")

    def __init__(self):
        self.active = False
        self.users = 0
        self.lock = threading.Lock()

    def enter(self):
        with self.lock:
            self.users += 1
            self.active = True

    def exit(self):
        with self.lock:
            self.users -= 1
            self.active = self.users > 0


inference_use = _InferenceUse()


def mark_if_inference(t):
    """Make ``t`` (a tensor just made) an inference tensor if this thread is in inference mode."""
    if _state.inference:
        t._vc = INFERENCE_VERSION
    return t


class inference_mode(_DecoratorContextManager):
    """Context manager (and decorator) that enables or disables inference mode.

    Inference mode is an extreme version of no-grad mode: nothing is recorded, and tensors created in
    it are inference tensors, which cannot be saved for backward or updated in place outside
    inference mode afterwards. ``inference_mode(False)`` disables it (and enables grad mode) inside.
    """

    def __new__(cls, mode=True):
        if not isinstance(mode, bool):  # used bare as @inference_mode, as PyTorch allows
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        state = _state
        self.prev = (state.enabled, state.grad, state.inference)
        if self.mode:
            inference_use.enter()
        state.inference = self.mode
        state.enabled = state.grad = not self.mode

    def __exit__(self, *exc):
        _state.enabled, _state.grad, _state.inference = self.prev
        if self.mode:
            inference_use.exit()

    def clone(self):
        return self.__class__(self.mode)
