"""Exact floating-point kernels behind ember.random: fused multiply-add, libm, and avx_mathfun.

PyTorch's x86-64 CPU wheel is built by GCC, which contracts ``a*b + c`` into one fused multiply-add,
and its float32 Box-Muller uses the Cephes polynomials of ``avx_mathfun.h`` rather than libm. Matching
its streams bit for bit therefore needs correctly rounded fma in float32 and float64, and a float32
emulation of ``log256_ps``/``sincos256_ps`` with the same contractions. Everything here is vectorised.
"""
import math

import numpy as np

_F32 = np.float32
_INF = np.inf

# ------------------------------------------------------------------------------------------ fma


def _two_sum(a, b):
    """s + err == a + b exactly (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    t = 134217729.0 * a  # 2**27 + 1: Veltkamp split into two 26-bit halves
    hi = t - (t - a)
    return hi, a - hi


def _two_prod(a, b):
    """p + err == a * b exactly (Dekker's TwoProduct)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _round_to_odd(s, err):
    """Turn s = RN(x), err = x - s into RO(x): an inexact result takes the neighbour with an odd last bit."""
    s = np.array(s, dtype=np.float64, copy=True)
    fix = (err != 0) & ((s.view(np.int64) & 1) == 0)
    if fix.any():
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, _INF, -_INF))
    return s


def fma64(a, b, c):
    """Correctly rounded a*b + c in float64 (Boldo & Melquiond's emulation through round-to-odd)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, c)))
    uh, ul = _two_prod(a, b)
    th, tl = _two_sum(c, uh)
    v = _round_to_odd(*_two_sum(tl, ul))
    return th + v


def fma32(a, b, c, tiny=True):
    """Correctly rounded a*b + c in float32 (as ``_mm256_fmadd_ps`` or a contracted float expression).

    The product of two floats is exact in float64, so only the float64 sum rounds; rounding that to
    float32 is wrong only when it lands exactly on a float32 midpoint, so those rare elements are redone
    with round-to-odd. ``tiny=False`` skips the float32-subnormal guard where results cannot be subnormal.
    """
    p = np.multiply(a, b, dtype=np.float64)
    s = p + np.asarray(c, dtype=np.float64)
    out = s.astype(_F32)
    bits = s.view(np.int64)
    suspect = (bits & 0x1FFFFFFF) == 0x10000000
    if tiny:
        suspect |= (bits & 0x7FF0000000000000) < (897 << 52)  # below float32's normal range
    if suspect.any():
        idx = np.flatnonzero(suspect)
        pa = np.broadcast_to(p, s.shape).reshape(-1)[idx]
        ca = np.broadcast_to(np.asarray(c, dtype=np.float64), s.shape).reshape(-1)[idx]
        out.reshape(-1)[idx] = _round_to_odd(*_two_sum(pa, ca)).astype(_F32)
    return out


# ------------------------------------------------------------------------------------------ libm

def _numpy_agrees(ufunc, fn, sample):
    """True when a NumPy float64 ufunc gives exactly the system libm's results on the sample."""
    expect = np.array([fn(v) for v in sample.tolist()])
    got = ufunc(sample)
    return bool(np.array_equal(got.view(np.int64), expect.view(np.int64)))


def _libm_ufunc(ufunc, fn):
    # PyTorch calls glibc; NumPy's float64 SIMD loops (AVX512 builds) may round differently, so NumPy
    # is used only where it reproduces libm on a fixed sample, otherwise libm per element.
    sample = np.random.RandomState(1234).random_sample(4096) * np.array([1.0, 2 * math.pi, 1e-3, 0.999])[
        np.arange(4096) % 4]
    if ufunc is np.log:
        sample = 1.0 - sample / 7.0
    elif ufunc is np.log1p:
        sample = -sample / 7.0
    if _numpy_agrees(ufunc, fn, sample):
        return ufunc
    scalar = np.frompyfunc(fn, 1, 1)
    return lambda x: scalar(x).astype(np.float64)


_LIBM = {}


def libm(name):
    """The float64 function ``name`` (log, log1p, sin, cos), bit-identical to the C library's."""
    if name not in _LIBM:
        _LIBM[name] = _libm_ufunc(getattr(np, name), getattr(math, name))
    return _LIBM[name]


# ----------------------------------------------------------------------- avx_mathfun.h (float32)

_LOG_P = [_F32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                            1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                            3.3333331174e-1)]
_LOG_Q1, _LOG_Q2 = _F32(-2.12194440e-4), _F32(0.693359375)
_SQRTHF = _F32(0.707106781186547524)
_DP = [_F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)]
_SIN_P = [_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1)]
_COS_P = [_F32(2.443315711809948e-5), _F32(-1.388731625493765e-3), _F32(4.166664568298827e-2)]
_FOPI = _F32(1.27323954473516)


class _Fma:
    """fma(a, b, c) rounded to float32, a*b + c computed once in float64 scratch: exact for the
    avx_mathfun chains below, whose float64 sums never land on a float32 midpoint for any of the 2**24
    possible inputs (checked exhaustively against the correctly rounded fma32; see tests)."""

    def __init__(self, n):
        self._t = np.empty(n)
        self._b = np.empty(n)
        self._c = np.empty(n)

    def __call__(self, a, b, c, out):
        t = self._t[:out.size]
        np.copyto(t, a)  # a scalar a broadcasts: the first Horner step starts from a constant
        if isinstance(b, np.ndarray) and b.dtype == np.float32:
            np.copyto(self._b[:out.size], b)  # explicit widening: mixed-dtype ufuncs are slower
            b = self._b[:out.size]
        t *= b
        if isinstance(c, np.ndarray) and c.dtype == np.float32:
            np.copyto(self._c[:out.size], c)
            c = self._c[:out.size]
        t += c
        np.copyto(out, t, casting="unsafe")
        return out


def avx_log(u, fma):
    """``log256_ps`` for float32 u in (0, 1], with GCC's fma contractions (new array)."""
    bits = u.view(np.int32)
    xb = bits & ~0x7F800000
    xb |= 0x3F000000                         # the mantissa as a float in [0.5, 1)
    small = (xb < _SQRTHF.view(np.int32)).view(np.int8).astype(np.int32)  # positive floats order as ints
    e = bits >> 23
    e -= small + 126
    xb += small << 23                        # doubles x where x < sqrt(1/2): x + x - 1 is exact
    x = xb.view(_F32)
    x -= _F32(1)
    e = e.astype(_F32)
    z = x * x
    x64 = x.astype(np.float64)
    y = np.empty_like(x)
    fma(_LOG_P[0], x64, np.float64(_LOG_P[1]), y)
    for p in _LOG_P[2:]:
        fma(y, x64, np.float64(p), y)
    y *= x
    fma(y, z, e * _LOG_Q1, y)
    y -= z * _F32(0.5)
    x += y
    x += e * _LOG_Q2  # e has <= 5 bits and Q2 9, so the product is exact and the fused add is this add
    return x


def avx_sincos(theta, fma):
    """``sincos256_ps`` for float32 theta >= 0, with GCC's fma contractions: (sin, cos)."""
    j = (theta * _FOPI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(_F32)
    x = theta + y * _DP[0]  # y <= 8 is even: y*DP1 and y*DP2 are exact, so these adds are the fmas
    x += y * _DP[1]
    fma(y, np.float64(_DP[2]), x, x)
    z = x * x
    z64 = z.astype(np.float64)
    yc = fma(_COS_P[0], z64, np.float64(_COS_P[1]), np.empty_like(z))
    ys = fma(_SIN_P[0], z64, np.float64(_SIN_P[1]), np.empty_like(z))
    fma(yc, z64, np.float64(_COS_P[2]), yc)
    fma(ys, z64, np.float64(_SIN_P[2]), ys)
    yc *= z
    ys *= z
    z *= _F32(-0.5)  # exact; the cosine's "- z*0.5" becomes the fused addend
    fma(yc, z64, z, yc)
    yc += _F32(1)
    fma(ys, x, x, ys)
    first = (j & 2) >> 1
    first -= 1                               # all ones where the sine polynomial serves sin
    ib, cb = ys.view(np.int32), yc.view(np.int32)
    swap = ib ^ cb
    swap &= first
    ib ^= swap                               # now the cosine result
    cb ^= swap                               # now the sine result
    first = j & 4
    first <<= 29
    cb ^= first                              # sine sign
    j -= 2
    np.invert(j, out=j)
    j &= 4
    j <<= 29
    ib ^= j                                  # cosine sign
    sin, cos = yc, ys
    return sin, cos


def _scaled(v, std, mean, fma):
    """fma(v, std, mean), with the exact shortcuts for mean 0 (one rounding of the product)."""
    if mean == 0:
        if std != 1:
            v *= std
        return v + v.dtype.type(0)  # + 0 turns -0 into +0 as the fused add does
    return fma(v, std, mean)


_CHUNK = 1 << 16  # elements per pass: keeps the float64 scratch in L2; fresh big arrays page-fault


def box_muller16(d, mean, std):
    """PyTorch's ``NormalFill16`` over each 16-block of d (float32 or float64), in place."""
    blocks = d.reshape(-1, 2, 8)
    step = _CHUNK // 8
    if d.dtype == np.float32:
        std, mean, fma = _F32(std), _F32(mean), _Fma(min(_CHUNK, blocks.shape[0] * 8))
        for i in range(0, blocks.shape[0], step):
            _normal_fill_f32(blocks[i:i + step], mean, std, fma)
    else:
        for i in range(0, blocks.shape[0], step):
            _normal_fill_f64(blocks[i:i + step], float(mean), float(std))


def _normal_fill_f32(blocks, mean, std, fast):
    u1 = (_F32(1) - blocks[:, 0, :]).reshape(-1)
    radius = np.sqrt(_F32(-2) * avx_log(u1, fast))
    theta = _F32(2 * math.pi) * blocks[:, 1, :].reshape(-1)
    sin, cos = avx_sincos(theta, fast)
    for half, v in ((0, cos), (1, sin)):
        v *= radius
        if mean == 0:  # fma(v, std, 0) rounds the product once; + 0 turns -0 into +0 as it does
            if std != 1:
                v *= std
            np.add(v.reshape(-1, 8), _F32(0), out=blocks[:, half, :])
        else:
            blocks[:, half, :] = fma32(v, std, mean).reshape(-1, 8)


def _normal_fill_f64(blocks, mean, std):
    radius = np.sqrt(-2.0 * libm("log")(1 - blocks[:, 0, :]))
    theta = (2.0 * math.pi) * blocks[:, 1, :]
    blocks[:, 0, :] = _scaled(radius * libm("cos")(theta), std, mean, fma64)
    blocks[:, 1, :] = _scaled(radius * libm("sin")(theta), std, mean, fma64)


# ------------------------------------------------------------------------- randperm (Fisher-Yates)

def forward_shuffle(z):
    """The permutation of arange(n) that PyTorch's forward Fisher-Yates leaves, n = len(z) + 1:
    step i swaps positions i and i + z[i], in order. Vectorised without the sequential loop: step i
    fixes position i for good, to the value then at i + z[i]; a position's value when a step reads
    it is the original index, or what the last earlier step that swapped into it carried, so the
    values follow chains of "last writer" links, resolved by pointer doubling."""
    n = len(z) + 1
    steps = np.arange(n - 1, dtype=np.int64)
    target = z.astype(np.int64) + steps
    order = np.argsort(target * n + steps)  # (target, step) order; the keys are unique
    sorted_target = target[order]
    same = sorted_target[1:] == sorted_target[:-1]
    prev = np.full(n - 1, -1, dtype=np.int64)  # the previous step that swapped into the same position
    prev[order[1:][same]] = order[:-1][same]
    # held[m]: the value at position m when step m starts (the steps into m all come at or before m)
    held = np.arange(n, dtype=np.int64)
    last = np.ones(n - 1, dtype=bool)
    last[:-1] = ~same
    pos, step = sorted_target[last], order[last]
    step = np.where(step == pos, prev[step], step)  # step m swapping with itself moves nothing
    held[pos[step >= 0]] = step[step >= 0]
    while True:  # pointer doubling: follow each chain of writers back to a position nothing wrote
        deeper = held[held]
        if np.array_equal(deeper, held):
            break
        held = deeper
    out = np.empty(n, dtype=np.int64)
    moved = np.where(prev < 0, target, held[np.maximum(prev, 0)])
    out[:-1] = np.where(target == steps, held[:-1], moved)
    out[-1] = held[-1]
    return out
