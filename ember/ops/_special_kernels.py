"""Array kernels of the special functions NumPy lacks (gamma family, Hurwitz zeta, modified Bessel
functions of order 0 and 1, erfcx, the normal distribution's inverse and log), in float64.

They follow PyTorch's own algorithms (Cephes' digamma and zeta, PyTorch's trigamma) where those set
the values at poles and the rounding; elsewhere they are accurate to a few float64 ulps, so that a
float32 result rounded once from them matches PyTorch's float32 kernels within their error.
"""
import math

import numpy as np

_PI = math.pi
_SQRT2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _lgamma_scalar(v):
    # math.lgamma raises at the poles; PyTorch (the C library) gives +inf there and at -inf
    if v != v:
        return v
    if math.isinf(v) or (v <= 0 and v == math.floor(v)):
        return math.inf
    return math.lgamma(v)


_lgamma_u = np.frompyfunc(_lgamma_scalar, 1, 1)
_erfc_u = np.frompyfunc(math.erfc, 1, 1)


def in_float64(kernel, x):
    """``kernel`` (a float64 kernel) applied to ``x``, the result in ``x``'s floating dtype."""
    with np.errstate(all="ignore"):
        return np.asarray(kernel(np.asarray(x, np.float64)), np.float64).astype(x.dtype, copy=False)


def lgamma(x):
    """``log|Gamma(x)|``: +inf at the poles (0 and the negative integers) and at both infinities."""
    return np.asarray(_lgamma_u(x), np.float64).reshape(np.shape(x))


# Cephes' asymptotic coefficients of digamma, as PyTorch's calc_digamma uses them
_PSI_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
          -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
          8.33333333333333333333E-2)
_PSI_10 = 2.25175258906672110764


def _digamma_positive(z):
    result = np.zeros_like(z)
    for _ in range(11):  # z > 0 reaches 10 within ten steps
        small = z < 10
        if not small.any():
            break
        result = result - np.where(small, 1 / np.where(small, z, 1.0), 0.0)
        z = np.where(small, z + 1, z)
    zz = 1.0 / (z * z)
    poly = np.zeros_like(z)
    for c in _PSI_A:
        poly = poly * zz + c
    y = np.where(z < 1.0e17, zz * poly, 0.0)
    return np.where(z == 10, result + _PSI_10, result + np.log(z) - 0.5 / z - y)


def digamma(x):
    """The logarithmic derivative of Gamma: -inf/+inf at -0/+0 (sign flipped), NaN at negative integers."""
    x = np.asarray(x, np.float64)
    neg = x < 0
    frac = np.where(neg, x - np.trunc(np.where(np.isfinite(x), x, 0.0)), 0.0)
    out = _digamma_positive(np.where(neg, 1 - x, x))
    # tan(pi * fractional part) is more accurate than tan(pi * x), as PyTorch computes it
    out = np.where(neg, out - _PI / np.tan(_PI * frac), out)
    out = np.where(neg & (x == np.trunc(x)), np.nan, out)
    return np.where(x == 0, np.copysign(np.inf, -x), out)


def trigamma(x):
    """The second derivative of ``log Gamma``, by PyTorch's reflection, recurrence and series."""
    x = np.asarray(x, np.float64)
    low = x < 0.5
    s = np.sin(_PI * x)
    result = np.where(low, -(_PI * _PI) / (s * s), 0.0)
    x = np.where(low, 1 - x, x)
    for _ in range(6):
        result = result + 1 / (x * x)
        x = x + 1
    ixx = 1 / (x * x)
    result = result + (1 + 1 / (2 * x) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / x
    return np.where(low, -result, result)


_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042E-16


def zeta(x, q):
    """The Hurwitz zeta function ``sum_k (k + q) ** -x`` (Cephes' Euler-Maclaurin, as PyTorch)."""
    x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
    s = np.power(q, -x)
    a, b = q.copy(), np.zeros_like(s)
    # the poles and undefined values are set below; they must not enter the loop (q = -inf never ends it)
    done = (x <= 1) | ((q <= 0) & ((q == np.floor(q)) | (x != np.floor(x)))) | np.isnan(x) | np.isnan(q)
    i = 0
    while True:
        active = ~done & ((i < 9) | (a <= 9.0))
        if not active.any():
            break
        i += 1
        a = np.where(active, a + 1, a)
        term = np.power(a, -x)
        s = np.where(active, s + term, s)
        b = np.where(active, term, b)
        done |= active & (-_MACHEP * s < term) & (term < _MACHEP * s)
    w = a
    tail = s + b * w / (x - 1) - 0.5 * b
    live = ~done
    a, k = np.ones_like(s), 0.0
    for coef in _ZETA_A:
        a = a * (x + k)
        b = b / w
        t = a * b / coef
        tail = np.where(live, tail + t, tail)
        live &= ~(np.abs(t / tail) < _MACHEP)
        k += 1
        a = a * (x + k)
        b = b / w
        k += 1
    out = np.where(done, s, tail)
    out = np.where((q <= 0) & (x != np.floor(x)), np.nan, out)
    out = np.where((q <= 0) & (q == np.floor(q)), np.inf, out)
    out = np.where(x < 1, np.nan, out)
    return np.where(x == 1, np.inf, out)


def polygamma(n, x):
    """The ``n``-th derivative of digamma."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.exp(math.lgamma(n + 1.0)) * zeta(float(n + 1), x)


def bessel_i(nu, x, scaled):
    """The modified Bessel function ``I_nu(x)`` for ``nu`` 0 or 1 (times ``exp(-|x|)`` when ``scaled``)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.empty_like(ax)
    small = ax <= 30
    # all terms of the power series are positive: it is accurate wherever it converges quickly
    h = ax[small] / 2
    hh = h * h
    term = np.ones_like(h) if nu == 0 else h.copy()
    total = term.copy()
    for k in range(1, 130):
        term = term * hh / (k * (k + nu))
        total = total + term
    out[small] = total * np.exp(-ax[small]) if scaled else total
    # large arguments: the asymptotic expansion of exp(-x) I_nu(x)
    big = ~small
    xl = ax[big]
    mu = 4.0 * nu * nu
    term = np.ones_like(xl)
    total = term.copy()
    for k in range(1, 30):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * xl)
        total = total + term
    total = total / np.sqrt(2 * _PI * xl)
    out[big] = total if scaled else total * np.exp(xl)
    # PyTorch's Cephes kernels give NaN for i0(inf) and i1(inf) (inf times a vanishing series), 0 scaled
    out = np.where(np.isinf(ax), 0.0 if scaled else np.nan, out)
    return np.copysign(out, x) if nu == 1 else out


def erfcx(x):
    """The scaled complementary error function ``exp(x ** 2) * erfc(x)``."""
    x = np.asarray(x, np.float64)
    mid = x < 25
    out = np.empty_like(x)
    xm = x[mid]
    out[mid] = np.exp(xm * xm) * np.asarray(_erfc_u(xm), np.float64)
    xb = x[~mid]
    # the asymptotic series: its terms fall below float64's precision within ten at x >= 25
    inv = 1 / (2 * xb * xb)
    term = np.ones_like(xb)
    total = term.copy()
    for k in range(1, 10):
        term = -term * (2 * k - 1) * inv
        total = total + term
    out[~mid] = np.where(np.isinf(xb), 0.0, total / (xb * math.sqrt(_PI)))
    return out


def ndtr(x):
    """The standard normal distribution function."""
    return 0.5 * np.asarray(_erfc_u(-np.asarray(x, np.float64) / _SQRT2), np.float64)


def ndtri(p):
    """The inverse of the standard normal distribution function."""
    p = np.asarray(p, np.float64)
    q = np.where(p > 0.5, 1 - p, p)  # exact for p >= 0.5; the lower tail keeps its relative precision
    inside = (q > 0) & (q <= 0.5)
    qi = np.where(inside, q, 0.25)
    t = np.sqrt(-2 * np.log(qi))
    # Abramowitz and Stegun 26.2.23 (error below 4.5e-4), refined by Halley steps on ndtr
    x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t
                                                                + 0.001308 * t ** 3))
    for _ in range(3):
        d = (ndtr(x) - qi) / (np.exp(-x * x / 2) / _SQRT_2PI)
        x = x - d / (1 + x * d / 2)
    x = np.where(p > 0.5, -x, x)
    x = np.where(p == 0.5, 0.0, x)
    x = np.where(q == 0, np.where(p > 0.5, np.inf, -np.inf), x)
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


def log_ndtr(x):
    """The log of the standard normal distribution function, accurate in the lower tail."""
    x = np.asarray(x, np.float64)
    t = x / _SQRT2
    low = x < -1
    tail = np.log(erfcx(np.where(low, -t, 0.0)) / 2) - t * t
    return np.where(low, tail, np.log1p(-np.asarray(_erfc_u(t), np.float64) / 2))
