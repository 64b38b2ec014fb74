"""ember.random against PyTorch: the generator, seeding, state bytes both ways, fork_rng, and the exact
floating-point kernels (fma, avx_mathfun) that the streams depend on."""
import math
import os
from fractions import Fraction

import numpy as np
import pytest

import ember
from ember import _random_kernels as K
from ember import random as R

torch = pytest.importorskip("torch")
F = np.float32


def same(e, t):
    """Bit-identical values, same dtype and shape."""
    a, b = e.numpy(), t.numpy()
    assert str(t.dtype) == f"torch.{e.dtype.name}" and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), f"{(a != b).sum()} of {a.size} elements differ"


def state_bytes(gen):
    return gen.get_state().numpy().tobytes()


# ------------------------------------------------------------------------------ exact kernels

def _exact_round(value, np_dtype):
    """Round a Fraction to the nearest float of np_dtype, ties to even (the reference for fma)."""
    lo = np_dtype(float(value))  # float() rounds correctly to float64; fix double rounding below
    cands = {np.nextafter(lo, np_dtype(-np.inf)), lo, np.nextafter(lo, np_dtype(np.inf))}
    cands = sorted(cands, key=lambda c: (abs(Fraction(float(c)) - value), int(np.array(c).view(
        np.int32 if np_dtype is np.float32 else np.int64)) & 1))
    return cands[0]


def _tie_inputs(np_dtype, n, seed):
    """Operands whose exact a*b + c sits on or next to a rounding midpoint of np_dtype."""
    rng = np.random.RandomState(seed)
    a = rng.uniform(-4, 4, n).astype(np_dtype)
    b = rng.uniform(-4, 4, n).astype(np_dtype)
    p = a.astype(np.float64) * b if np_dtype is np.float32 else a * b
    c = (-p).astype(np_dtype)  # c cancels most of the product: results land near midpoints often
    c[::3] = rng.uniform(-1, 1, c[::3].size).astype(np_dtype)
    return a, b, c


@pytest.mark.parametrize("np_dtype,fma", [(np.float32, K.fma32), (np.float64, K.fma64)])
def test_fma_is_correctly_rounded(np_dtype, fma):
    a, b, c = _tie_inputs(np_dtype, 3000, 0)
    got = fma(a, b, c)
    for x, y, z, r in zip(a, b, c, got):
        expect = _exact_round(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), np_dtype)
        assert r == expect or (r == 0 and expect == 0), (x, y, z, r, expect)


def test_fma32_double_rounding_case():
    # a*b + c = 1 + 2**-24 + 2**-70: float64 rounds it onto the float32 midpoint 1 + 2**-24, whose
    # ties-to-even rounding (1.0) is wrong; the fused result is 1 + 2**-23
    a = np.array([-(1 + 2.0 ** -23) * 2.0 ** -12], dtype=F)
    b, c = F((1 - 2.0 ** -23) * 2.0 ** -12), F(1 + 2.0 ** -23)
    assert float(a[0]) * float(b) + float(c) == 1 + 2.0 ** -24
    assert K.fma32(a, b, c)[0] == F(1 + 2.0 ** -23)


def _ref_log256(u):
    """avx_mathfun.h's log256_ps transcribed line by line; GCC's contractions as correctly rounded fmas."""
    bits = u.view(np.int32)
    x = ((bits & ~0x7F800000) | F(0.5).view(np.int32)).view(F)
    e = ((bits >> 23) - 0x7F).astype(F) + F(1)
    mask = x < F(0.707106781186547524)
    tmp = np.where(mask, x, F(0))
    x = x - F(1)
    e = e - np.where(mask, F(1), F(0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, F(7.0376836292E-2))
    for p in (-1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
              2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1):
        y = K.fma32(y, x, F(p))
    y = K.fma32(y * x, z, e * F(-2.12194440e-4))
    y = y - z * F(0.5)
    return K.fma32(e, F(0.693359375), x + y)


def _ref_sincos256(x):
    """avx_mathfun.h's sincos256_ps for x >= 0, transcribed the same way: (sin, cos)."""
    j = (x * F(1.27323954473516)).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(F)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = K.fma32(y, F(dp), x)
    z = x * x
    yc = K.fma32(K.fma32(np.full_like(z, F(2.443315711809948E-005)), z, F(-1.388731625493765E-003)), z,
                 F(4.166664568298827E-002))
    yc = K.fma32(yc * z, z, -(z * F(0.5))) + F(1)
    ys = K.fma32(K.fma32(np.full_like(z, F(-1.9515295891E-4)), z, F(8.3321608736E-3)), z, F(-1.6666654611E-1))
    ys = K.fma32(ys * z, x, x)
    poly = (j & 2) == 0
    s = np.where(poly, ys, yc).view(np.int32) ^ ((j & 4) << 29)
    c = np.where(poly, yc, ys).view(np.int32) ^ ((~(j - 2) & 4) << 29)
    return s.view(F), c.view(F)


def _kernel_inputs():
    if os.environ.get("EMBER_EXHAUSTIVE"):  # every possible input: 2**24 uniforms (about 10 s)
        k = np.arange(1 << 24, dtype=np.uint32)
    else:
        k = np.concatenate([np.arange(4096), (1 << 24) - 1 - np.arange(4096),
                            np.random.RandomState(7).randint(0, 1 << 24, 1 << 17)]).astype(np.uint32)
    return k.astype(F) * F(2.0 ** -24)


def test_avx_kernels_match_line_by_line_transcription():
    u = _kernel_inputs()
    for lo in range(0, u.size, 1 << 20):
        part = u[lo:lo + (1 << 20)]
        fast = K._Fma(part.size)
        u1 = F(1) - part
        assert np.array_equal(K.avx_log(u1, fast).view(np.int32), _ref_log256(u1).view(np.int32))
        theta = F(2 * math.pi) * part
        (s1, c1), (s2, c2) = K.avx_sincos(theta, fast), _ref_sincos256(theta)
        assert np.array_equal(s1.view(np.int32), s2.view(np.int32))
        assert np.array_equal(c1.view(np.int32), c2.view(np.int32))


@pytest.mark.parametrize("name", ["log", "log1p", "sin", "cos"])
def test_libm_functions_match_python_math(name):
    x = np.random.RandomState(3).random_sample(2000) * 0.999
    arg = -x if name == "log1p" else (1 - x if name == "log" else x * 6.283)
    expect = np.array([getattr(math, name)(v) for v in arg.tolist()])
    assert K.libm(name)(arg).tobytes() == expect.tobytes()


# ------------------------------------------------------------------------------ seeding

def test_default_seed_and_initial_seed():
    assert R.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert state_bytes(R.Generator()) == torch.Generator().get_state().numpy().tobytes()


@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 32 + 5, 2 ** 63, 2 ** 64 - 1, -1, -(2 ** 63)])
def test_manual_seed_state_and_initial_seed(seed):
    g, tg = R.Generator(), torch.Generator()
    assert g.manual_seed(seed) is g
    tg.manual_seed(seed)
    assert g.initial_seed() == tg.initial_seed()
    assert state_bytes(g) == tg.get_state().numpy().tobytes()
    same(ember.ops.sampling.rand(5, generator=g), torch.rand(5, generator=tg))
    assert state_bytes(g) == tg.get_state().numpy().tobytes()


@pytest.mark.parametrize("bad", [1.5, "a", True, 2 ** 64, -(2 ** 63) - 1])
def test_manual_seed_errors(bad):
    with pytest.raises(Exception) as theirs:
        torch.Generator().manual_seed(bad)
    with pytest.raises(type(theirs.value), match=str(theirs.value).split("\n")[0]):
        R.Generator().manual_seed(bad)


def test_seed_is_nondeterministic_and_recorded():
    g = R.Generator()
    a, b = g.seed(), g.seed()
    assert a != b and g.initial_seed() == b and 0 <= b < 2 ** 64


def test_generator_device():
    assert str(R.Generator().device) == "cpu" and R.Generator(device="cpu").device.type == "cpu"


def test_module_functions_drive_the_default_generator():
    assert R.manual_seed(123) is R.default_generator
    torch.manual_seed(123)
    assert R.initial_seed() == torch.initial_seed() == 123
    assert R.get_rng_state().numpy().tobytes() == torch.get_rng_state().numpy().tobytes()
    same(ember.ops.sampling.randn(3), torch.randn(3))
    s = R.seed()
    assert R.initial_seed() == s


# ------------------------------------------------------------------------------ state round trips

def _advance_both(g, tg):
    """Some draws of several kinds on both generators, leaving a cached normal."""
    S = ember.ops.sampling
    same(S.rand(7, generator=g), torch.rand(7, generator=tg))
    same(S.randn(3, generator=g), torch.randn(3, generator=tg))  # leaves the sine cached
    same(S.randint(0, 2 ** 40, (5,), generator=g), torch.randint(0, 2 ** 40, (5,), generator=tg))


@pytest.mark.parametrize("draws", [0, 623, 624, 625, 1300])
def test_state_bytes_equal_after_any_number_of_draws(draws):
    g, tg = R.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    g._words(draws)
    torch.randint(0, 2 ** 20, (draws,), generator=tg)  # one 32-bit draw per element
    assert state_bytes(g) == tg.get_state().numpy().tobytes()


def test_torch_state_set_in_ember_continues_torch_stream():
    S = ember.ops.sampling
    tg = torch.Generator().manual_seed(5)
    torch.randn(5, generator=tg)  # cache set
    torch.rand(100, generator=tg)
    g = R.Generator().set_state(ember.from_numpy(tg.get_state().numpy().copy()))
    assert g.initial_seed() == 5
    same(S.randn(1, generator=g), torch.randn(1, generator=tg))  # the cached sine, no draws
    same(S.rand(1000, generator=g), torch.rand(1000, generator=tg))
    same(S.randn(3, generator=g, dtype=ember.float64), torch.randn(3, generator=tg, dtype=torch.float64))
    assert state_bytes(g) == tg.get_state().numpy().tobytes()


def test_ember_state_set_in_torch_continues_ember_stream():
    S = ember.ops.sampling
    g, tg = R.Generator().manual_seed(77), torch.Generator()
    _advance_both(g, torch.Generator().manual_seed(77))
    tg.set_state(torch.from_numpy(g.get_state().numpy().copy()))
    same(S.randn(1, generator=g), torch.randn(1, generator=tg))
    same(S.randn(40, generator=g), torch.randn(40, generator=tg))
    same(S.randperm(50, generator=g), torch.randperm(50, generator=tg))


def test_float_normal_slot_round_trips():
    raw = torch.Generator().manual_seed(1).get_state().numpy().copy()
    raw[5048:5052] = np.frombuffer(F(1.25).tobytes(), np.uint8)
    raw[5052] = 1
    tg = torch.Generator()
    tg.set_state(torch.from_numpy(raw.copy()))
    g = R.Generator().set_state(ember.from_numpy(raw.copy()))
    assert state_bytes(g) == tg.get_state().numpy().tobytes()


@pytest.mark.parametrize("bad", [np.zeros(10, np.uint8), np.zeros(5048, np.uint8),
                                 np.zeros(5056, np.float32), np.zeros(5056, np.uint8)])
def test_set_state_errors_leave_state_unchanged(bad):
    with pytest.raises(Exception) as theirs:
        torch.Generator().set_state(torch.from_numpy(bad))
    g = R.Generator().manual_seed(4)
    before = state_bytes(g)
    with pytest.raises(type(theirs.value), match=str(theirs.value)):
        g.set_state(ember.from_numpy(bad))
    assert state_bytes(g) == before


def test_get_rng_state_set_rng_state_round_trip():
    S = ember.ops.sampling
    R.manual_seed(8)
    S.randn(1)
    saved = R.get_rng_state()
    a = S.randn(20)
    R.set_rng_state(saved)
    assert S.randn(20).numpy().tobytes() == a.numpy().tobytes()


def test_fork_rng_restores_stream_and_cache():
    S = ember.ops.sampling
    R.manual_seed(11)
    torch.manual_seed(11)
    S.randn(1)
    torch.randn(1)
    with R.fork_rng():
        S.rand(1000)
        S.randn(3)
    with R.fork_rng(enabled=False):
        same(S.randn(1), torch.randn(1))  # disabled: draws advance the real stream
    with torch.random.fork_rng():
        torch.rand(7)
    same(S.randn(5), torch.randn(5))


def test_raw_draws():
    g, tg = R.Generator().manual_seed(2), torch.Generator().manual_seed(2)
    r32 = g._random()
    r64 = g._random64()
    t = torch.empty(1, dtype=torch.int32).random_(generator=tg).item()  # random() % 2**31
    t64 = torch.empty(1, dtype=torch.int64).random_(generator=tg).item()  # random64() % 2**63
    assert (r32 % 2 ** 31, r64 % 2 ** 63) == (t, t64)
    assert 0 <= r32 < 2 ** 32 and 0 <= r64 < 2 ** 64
