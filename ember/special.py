"""``ember.special``: PyTorch's ``torch.special`` namespace. The ops live in ``ember/ops/special.py``;
the names PyTorch shares with the top level (erf, expit, logsumexp...) are bound to ember's own."""
from .ops.elementwise import erf, erfc, erfinv, exp2, expm1, log1p, xlogy
from .ops.elementwise import sigmoid as expit
from .ops.reduction import logsumexp
from .ops.special import (digamma, entr, erfcx, i0, i0e, i1, i1e, log_ndtr, logit, ndtr, ndtri, polygamma, sinc,
                          xlog1py, zeta)
from .ops.special import digamma as psi, lgamma as gammaln, mvlgamma as multigammaln
from .ops.special import special_round as round  # noqa: A001 - PyTorch's name
from .ops.reduction import log_softmax as _log_softmax, softmax as _softmax

__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e",
           "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]


def softmax(input, dim, *, dtype=None):
    """Return the softmax of ``input`` along ``dim`` (computed in ``dtype`` when given)."""
    return _softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    """Return the log of the softmax of ``input`` along ``dim`` (computed in ``dtype`` when given)."""
    return _log_softmax(input, dim, dtype)
