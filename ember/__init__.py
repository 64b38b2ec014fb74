"""ember: automatic differentiation and deep learning on NumPy, with PyTorch's API.

``import ember as torch`` runs PyTorch tutorial code. Names are re-exported explicitly below,
one block per layer.
"""
from ._dtype import (bool, can_cast, dtype, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
                     promote_types, set_default_dtype, uint8)
from ._dtype import result_type as _result_type
from ._size import Size
from ._typeinfo import finfo, iinfo
from ._tensor import Tensor
from .device import device, get_default_device, set_default_device
from ._creation import (arange, as_tensor, asarray, empty, empty_like, eye, from_dlpack, from_numpy, full, full_like,
                        linspace, logspace, ones, ones_like, scalar_tensor, tensor, zeros, zeros_like)
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                                 no_grad, set_grad_enabled)
from . import autograd
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from ._printing import set_printoptions
from math import e, inf, nan, pi  # noqa: F401 - torch.e, torch.inf, torch.nan, torch.pi

newaxis = None  # torch.newaxis, as NumPy's: x[:, torch.newaxis]
from ._legacy_types import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                            LongTensor, ShortTensor)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,
                     set_rng_state)
from .ops.sampling import (bernoulli, multinomial, normal, rand, rand_like, randint, randint_like, randn,
                           randn_like, randperm)

# elementwise
from .ops.elementwise import (abs, absolute, add, cos, div, divide, exp, log, mul, multiply, neg, negative, pow,
                              maximum, minimum, reciprocal, relu, rsub, sigmoid, sign, sin, sqrt, square, sub, subtract,
                              tanh, where,
                              true_divide)
from .ops.elementwise import (acos, acosh, addcdiv, addcmul, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,
                              asin, asinh, atan, atan2, atanh, bitwise_and, bitwise_left_shift, bitwise_not,
                              bitwise_or, bitwise_right_shift, bitwise_xor, ceil, clamp, clamp_max, clamp_min, clip,
                              cosh, erf, erfc, erfinv, exp2, expm1, fix, float_power, floor, floor_divide, fmax, fmin,
                              fmod, frac, hypot, lerp, log1p, log2, log10, logaddexp, logical_and, logical_not,
                              logical_or, logical_xor, masked_fill, nan_to_num, remainder, round, rsqrt, sgn, sinh,
                              tan, trunc, xlogy)
# comparison
from .ops.comparison import (allclose, eq, equal, ge, greater, greater_equal, gt, isclose, isfinite, isinf,
                             isnan, isneginf, isposinf, le, less, less_equal, lt, ne, not_equal, signbit)
# reduction
from .ops.reduction import (all, amax, amin, aminmax, any, argmax, argmin, argsort, count_nonzero, cummax, cummin,
                            cumprod, cumsum, kthvalue, log_softmax, logsumexp, max, mean, median, min, mode,
                            nanmean, nansum, norm, prod, return_types, softmax, sort, std, std_mean, sum, topk,
                            unique, var, var_mean)
# shape
from .ops.shape import (broadcast_to, clone, diagonal, flatten, flip, fliplr, flipud, movedim, moveaxis, narrow,
                        permute, reshape, roll, squeeze, swapaxes, swapdims, t, tile, transpose, tril, triu, unflatten,
                        unsqueeze)
from .ops.indexing import (gather, index_add, index_fill, index_put, index_select, masked_scatter, masked_select,
                           nonzero, scatter, scatter_add, take, take_along_dim)
from .ops.rearrange import broadcast_shapes, broadcast_tensors
from .ops.joining import (atleast_1d, atleast_2d, atleast_3d, cat, chunk, concat, concatenate, dstack, hstack, meshgrid,
                          row_stack, split, stack,
                          unbind, vstack)
# linear algebra
from .ops.linalg import (addmm, addmv, baddbmm, bmm, dot, einsum, ger, inner, matmul, mm, mv, outer, tensordot, trace,
                         vdot)
from . import linalg
from .linalg import _cholesky_legacy as cholesky, _cross_legacy as cross, _qr_legacy as qr
from .linalg import _slogdet_legacy as slogdet, _svd_legacy as svd
from .ops.linalg_decomp import det, inverse, logdet
from .ops.misc import (bincount, bucketize, cdist, deg2rad, diag, diag_embed, diagflat, diff, histc, hsplit, index_copy,
                       isin, kron, logcumsumexp, nanmedian, nanquantile, quantile, rad2deg, ravel, repeat_interleave,
                       rot90, scatter_reduce, searchsorted, select, tensor_split, tril_indices, triu_indices, vsplit)
# special functions (ember/ops/special.py); torch.special is ember.special
from .ops.special import (copysign, digamma, frexp, gcd, heaviside, i0, isreal, lcm, ldexp, lgamma, logaddexp2,
                          logit, mvlgamma, nextafter, polygamma, sinc)
from . import special
# more torch functions (ember/ops/extra.py)
from .ops.extra import (addbmm, addr, argwhere, block_diag, cartesian_prod, cholesky_inverse, cholesky_solve,
                        column_stack, combinations, corrcoef, cov, cumulative_trapezoid, diagonal_scatter, dist,
                        histogram, matrix_exp, msort, narrow_copy, put, range, renorm, select_scatter, slice_scatter,
                        trapezoid, trapz, unique_consecutive, vander)
# top-level twins of Tensor methods and nn.functional (ember/ops/_extra_aliases.py)
from .ops._extra_aliases import (acos_, acosh_, adaptive_avg_pool1d, addmv_, adjoint, arccos_, arccosh_, arcsin_,
                                 arcsinh_, arctan_, arctanh_, asin_, asinh_, atan_, atanh_, bilinear, channel_shuffle,
                                 clamp_max_, clamp_min_, clip_, conj, conj_physical, conj_physical_, conv3d,
                                 conv_transpose3d, cosh_, cosine_similarity, deg2rad_, detach, detach_, dsplit, erf_,
                                 erfc_, exp2_, expm1_, fix_, frac_, gcd_, get_device, i0_, imag, is_complex, is_conj,
                                 is_inference, is_neg, is_nonzero, is_same_size, is_signed, lcm_, ldexp_, log10_,
                                 log1p_, log2_, logit_, matrix_power, max_pool3d, nan_to_num_, negative_,
                                 nonzero_static, pairwise_distance, pinverse, pixel_shuffle, pixel_unshuffle,
                                 positive, rad2deg_, real, resize_as_, resolve_conj, resolve_neg, rms_norm, rsqrt_,
                                 sinc_, sinh_, split_with_sizes, tan_, trunc_, xlogy_)
# torch's top-level twins of nn.functional
from .ops.activation import celu, hardshrink, prelu, selu, threshold
from .ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .ops.pooling import avg_pool1d, max_pool1d, max_pool2d
from .ops.normalization import batch_norm, dropout, embedding, group_norm, layer_norm
# torch's top-level in-place twins (torch.sin_(t) is t.sin_())
from .ops.inplace import (abs_, ceil_, clamp_, cos_, exp_, fill_, floor_, index_put_, log_, neg_, reciprocal_, relu_,
                          round_, sigmoid_, sin_, sqrt_, square_, tanh_, zero_)

# PyTorch's dtype aliases
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
char = int8
cfloat = None
del cfloat


def result_type(tensor1, tensor2):
    """Return the dtype of an arithmetic op on the two operands, by PyTorch's promotion rules."""
    return _result_type(tensor1, tensor2)


def is_tensor(obj):
    """Return True if ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """Return the number of elements of ``input``."""
    return input.numel()


def is_floating_point(input):
    """Return True if the dtype of ``input`` is a floating point type."""
    return input.is_floating_point()


import builtins as _builtins  # noqa: E402

# Every ember kernel is deterministic; the flags are kept so code that sets and reads them runs as with torch.
_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Set whether PyTorch operations must use deterministic algorithms (ember's always are)."""
    for name, value, where in (("mode", mode, " (position 1)"), ("warn_only", warn_only, "")):
        if type(value) is not _builtins.bool:  # this module's bool is ember.bool
            raise TypeError(f"_set_deterministic_algorithms(): argument '{name}'{where} must be bool, not "
                            f"{type(value).__name__}")
    _deterministic["mode"], _deterministic["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    """Return True if the global deterministic flag is turned on."""
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """Return True if the global deterministic flag is set to warn only."""
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """Set the debug mode for deterministic operations: "default" (0), "warn" (1) or "error" (2)."""
    if not isinstance(debug_mode, (_builtins.int, str)):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """Return the current debug mode for deterministic operations (0, 1 or 2)."""
    if not _deterministic["mode"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


from . import accelerator, backends, cuda, random  # noqa: E402

# Heavier subpackages load on first use (PEP 562), which keeps `import ember` fast;
# `ember.nn`, `from ember import optim` and `ember.save` work as with torch.
_LAZY = {"nn": ".nn", "optim": ".optim", "utils": ".utils", "distributed": ".distributed",
         "serialization": ".serialization", "vision": ".vision", "save": ".serialization",
         "load": ".serialization"}


def __getattr__(name):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'ember' has no attribute '{name}'")
    import importlib
    module = importlib.import_module(target, __name__)
    # importing a submodule binds it on this package, so __getattr__ runs once per subpackage
    return getattr(module, name) if name in ("save", "load") else module


def __dir__():
    return sorted(list(globals()) + list(_LAZY))

__version__ = "0.1.0"
