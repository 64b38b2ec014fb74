"""Random sampling: ``rand``, ``randn``, ``randint``, ``randperm``, ``normal``, ``bernoulli``, ``multinomial``
and the in-place fills (``uniform_``, ``normal_``, ...), drawing from PyTorch's CPU streams.

Every draw goes through an ``ember.random.Generator`` (the ``generator=`` argument or the default one),
so a seeded program draws exactly the numbers PyTorch draws.
"""
import numpy as np

from .. import _dtype
from .._creation import _dense_permuted, _finish, _np_dtype, _size_args, _size_kw, _sized
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from ..random import default_generator

__all__ = ["rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like", "randint_like",
           "bernoulli", "multinomial", "uniform_", "normal_", "random_", "bernoulli_", "exponential_"]

_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}


def _gen(generator):
    return default_generator if generator is None else generator


def _num(x):
    """A number as C++'s ostream prints it in PyTorch's messages (``-1``, ``0.5``)."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def _check_float(np_dtype, kernel):
    if np.dtype(np_dtype).kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TORCH_NAMES[np.dtype(np_dtype).name]}\'')


def _check_normal(np_dtype, shape):
    """PyTorch's normal kernel, and with it its dtype check, runs only when there is something to draw."""
    if 0 not in shape:
        _check_float(np_dtype, "normal_kernel_cpu")


def _check_grad(np_dtype, requires_grad):
    """Factories word the integer requires_grad error their own way (checked before drawing)."""
    if requires_grad and np.dtype(np_dtype).kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def _like_dtype(input, dtype):
    return input._data.dtype if dtype is None else _np_dtype(dtype)


# ------------------------------------------------------------------------------- creation

def rand(*size, generator=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
         **kwargs):
    """Returns a tensor filled with random numbers from a uniform distribution on the interval [0, 1)."""
    shape = _sized("rand", size, _size_kw("rand", kwargs))
    np_dtype = _np_dtype(dtype)
    _check_float(np_dtype, "check_uniform_bounds")
    return _finish(_gen(generator)._uniform(shape, np_dtype), requires_grad, device)


def randn(*size, generator=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          **kwargs):
    """Returns a tensor filled with random numbers from a normal distribution with mean 0 and variance 1."""
    shape = _sized("randn", size, _size_kw("randn", kwargs))
    np_dtype = _np_dtype(dtype)
    _check_normal(np_dtype, shape)
    return _finish(_gen(generator)._normal(shape, np_dtype), requires_grad, device)


def _check_from_to(low, high):
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")


def _check_int_range(low, high, np_dtype):
    if np_dtype.kind in "iub":
        info = np.iinfo(np_dtype) if np_dtype.kind != "b" else None
        lo, hi = (0, 1) if info is None else (info.min, info.max)
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {_C_NAMES[np_dtype.name]}")
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_NAMES[np_dtype.name]}")


_C_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool"}


def _randint_args(args, low, high, size):
    """Sort out randint's overloads: (high, size), (low, high, size) and their keyword forms."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError("randint() missing required argument 'size'")
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    return int(0 if low is None else low), int(high), size


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """Returns a tensor filled with random integers generated uniformly between low (inclusive) and high
    (exclusive); ``randint(low=0, high, size)``."""
    low, high, size = _randint_args(args, low, high, size)
    np_dtype = _np_dtype(dtype, _dtype.int64)
    _check_from_to(low, high)
    _check_int_range(low, high, np_dtype)
    _check_grad(np_dtype, requires_grad)
    shape = _size_args((size,) if isinstance(size, (int, np.integer)) else tuple(size))
    return _finish(_gen(generator)._randint(low, high, shape, np_dtype), requires_grad, device)


def randperm(n, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """Returns a random permutation of integers from 0 to n - 1."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    np_dtype = _np_dtype(dtype, _dtype.int64)
    _check_grad(np_dtype, requires_grad)
    return _finish(_gen(generator)._randperm(n).astype(np_dtype, copy=False), requires_grad, device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None):
    """Returns a tensor with the same size as input filled with random numbers from a uniform distribution
    on the interval [0, 1)."""
    np_dtype = _like_dtype(input, dtype)
    _check_float(np_dtype, "check_uniform_bounds")
    gen = _gen(generator)
    return _finish(_like_draw(input, lambda shape: gen._uniform(shape, np_dtype)), requires_grad, device)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None):
    """Returns a tensor with the same size as input filled with random numbers from a standard normal."""
    np_dtype = _like_dtype(input, dtype)
    _check_normal(np_dtype, input._data.shape)
    gen = _gen(generator)
    return _finish(_like_draw(input, lambda shape: gen._normal(shape, np_dtype)), requires_grad, device)


def _like_draw(input, draw):
    """``draw(shape)`` laid out as PyTorch's preserve_format lays out a ``*_like`` result: a transposed
    input gives a transposed result, filled in its memory order."""
    data = input._data
    if not _dense_permuted(data):
        return draw(data.shape)
    order = _memory_order(data)
    return draw(tuple(data.shape[i] for i in order)).transpose(np.argsort(order))


def randint_like(input, *args, low=None, high=None, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """Returns a tensor with the same shape as input filled with random integers in [low, high)."""
    low, high, _ = _randint_args(args, low, high, ())
    return randint(low, high, input.shape, generator=generator,
                   dtype=_dtype.from_numpy(_like_dtype(input, dtype)), device=device, requires_grad=requires_grad)


# ------------------------------------------------------------------------------- normal

def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(float(std))}")


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Returns a tensor of random numbers drawn from separate normal distributions whose mean and standard
    deviation are given (tensors, or floats with ``size``)."""
    gen = _gen(generator)
    m_t, s_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (m_t or s_t):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected (float mean, float std, tuple of ints size)")
        _check_std(std)
        np_dtype = _np_dtype(dtype)
        shape = _size_args((size,) if isinstance(size, (int, np.integer)) else tuple(size))
        _check_normal(np_dtype, shape)
        return _finish(gen._normal(shape, np_dtype, mean, std), requires_grad, device)
    if s_t and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not s_t:
        _check_std(std)
    out_dtype = mean._data.dtype if m_t else std._data.dtype
    m_arr = mean._data if m_t else np.asarray(mean, dtype=out_dtype)
    s_arr = std._data if s_t else None
    shape = np.broadcast_shapes(m_arr.shape, s_arr.shape if s_t else ())
    _check_normal(out_dtype, shape)
    if s_t:
        # PyTorch draws standard normals, then output.mul_(std).add_(mean): two roundings
        out = gen._normal(shape, out_dtype)
        out = (out * s_arr).astype(out_dtype, copy=False)
    else:
        out = gen._normal(shape, out_dtype, 0.0, float(std))
    return _finish((out + m_arr).astype(out_dtype, copy=False), False)


# ------------------------------------------------------------------------------- in-place fills

def _memory_order(data):
    """Axes that put data's dims outermost-stride first: TensorIterator fills in memory order."""
    return np.argsort([-abs(s) for s in data.strides], kind="stable")


def _fill(tensor, draw):
    """Write ``draw(shape, contiguous)`` into tensor, in memory order, and bump its version."""
    if tensor.requires_grad and tensor.is_leaf and is_grad_enabled():
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    data = tensor._data
    if data.flags.c_contiguous:
        data[...] = draw(data.shape, True)
    else:
        view = data.transpose(_memory_order(data))
        view[...] = draw(view.shape, False)
    tensor._bump_version()
    return tensor


def uniform_(tensor, from_=0.0, to=1.0, *, generator=None):
    """Fills tensor with numbers sampled from the continuous uniform distribution on [from, to)."""
    np_dtype = tensor._data.dtype
    _check_float(np_dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_num(from_)} > "
                           f"to={_num(to)}")
    gen = _gen(generator)
    return _fill(tensor, lambda shape, _: gen._uniform(shape, np_dtype, from_, to))


def normal_(tensor, mean=0.0, std=1.0, *, generator=None):
    """Fills tensor with elements sampled from the normal distribution parameterized by mean and std."""
    np_dtype = tensor._data.dtype
    _check_std(std)
    _check_normal(np_dtype, tensor._data.shape)
    gen = _gen(generator)
    return _fill(tensor, lambda shape, contiguous: gen._normal(shape, np_dtype, mean, std, contiguous))


def _random_full(gen, shape, np_dtype):
    """``random_()`` with no bounds: [0, 2**mantissa] for floats, [0, max] for integers."""
    n = int(np.prod(shape))
    if np_dtype == np.bool_:
        return (gen._words(n) & 1).astype(np.bool_).reshape(shape)
    if np_dtype.kind == "f":
        span = (1 << (np.finfo(np_dtype).nmant + 1)) + 1
    else:
        span = int(np.iinfo(np_dtype).max) + 1
    wide = np_dtype in (np.float64, np.int64)  # these take random64(), the others random()
    draws = gen._u64(n) if wide else gen._words(n).astype(np.uint64)
    return (draws % np.uint64(span)).astype(np_dtype).reshape(shape)


def random_(tensor, from_=None, to=None, *, generator=None):
    """Fills tensor with numbers sampled from the discrete uniform distribution over [from, to - 1];
    ``random_(to)`` draws from [0, to - 1] and ``random_()`` over the dtype's range."""
    np_dtype, gen = tensor._data.dtype, _gen(generator)
    if to is None and from_ is None:
        return _fill(tensor, lambda shape, _: _random_full(gen, shape, np_dtype))
    if to is None:
        from_, to = 0, from_  # Tensor.random_(to): the one-argument overload
    from_, to = int(from_), int(to)
    _check_from_to(from_, to)
    _check_int_range(from_, to, np_dtype)
    return _fill(tensor, lambda shape, _: gen._randint(from_, to, shape, np_dtype))


def _check_p_tensor(p):
    if ((p < 0) | (p > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")


def bernoulli_(tensor, p=0.5, *, generator=None):
    """Fills each location of tensor with an independent sample from Bernoulli(p)."""
    np_dtype, gen = tensor._data.dtype, _gen(generator)
    if isinstance(p, Tensor):
        p_arr = np.broadcast_to(p._data, tensor.shape)
        _check_p_tensor(p_arr)
        if not tensor._data.flags.c_contiguous:
            p_arr = p_arr.transpose(_memory_order(tensor._data))
        return _fill(tensor, lambda shape, _: gen._bernoulli_tensor(np.ascontiguousarray(p_arr)).astype(np_dtype))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")
    return _fill(tensor, lambda shape, _: gen._bernoulli_scalar(shape, p, np_dtype))


def bernoulli(input, p=None, *, generator=None):
    """Draws binary random numbers (0 or 1) from a Bernoulli distribution with probabilities input
    (or the float p), in input's dtype."""
    gen = _gen(generator)
    if p is None:
        _check_p_tensor(input._data)
        return _finish(gen._bernoulli_tensor(np.ascontiguousarray(input._data)), False)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")
    return _finish(gen._bernoulli_scalar(input.shape, p, input._data.dtype), False)


def exponential_(tensor, lambd=1.0, *, generator=None):
    """Fills tensor with elements drawn from the exponential distribution with rate lambd."""
    np_dtype, gen = tensor._data.dtype, _gen(generator)
    if np_dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_TORCH_NAMES[np_dtype.name]}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_num(float(lambd))}")
    return _fill(tensor, lambda shape, _: gen._exponential(shape, lambd, np_dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Returns a tensor where each row contains num_samples indices sampled from the multinomial
    distribution given by the corresponding row of input."""
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_TORCH_NAMES[p.dtype.name]}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = p.reshape(-1, p.shape[-1])
    if not replacement or num_samples == 1:
        if not (np.isfinite(rows).all() and (rows >= 0).all()):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    elif (rows < 0).any():
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    elif not np.isfinite(rows).all():
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return _finish(_gen(generator)._multinomial(np.ascontiguousarray(p), int(num_samples), replacement), False)
