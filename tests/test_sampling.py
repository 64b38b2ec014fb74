"""ember.ops.sampling against PyTorch, bit for bit: every distribution over seeds, sizes and dtypes,
explicit generators vs the global one, interleaving, the normal cache, in-place fills, and errors."""
import numpy as np
import pytest

import ember
from ember import random as R
from ember.ops import sampling as S

torch = pytest.importorskip("torch")

SIZES = [1, 5, 15, 16, 17, 33, 1000, 4099]
FLOATS = [(ember.float32, torch.float32), (ember.float64, torch.float64)]


def same(e, t):
    """Bit-identical values, same dtype and shape."""
    a, b = e.numpy(), t.numpy()
    assert str(t.dtype) == f"torch.{e.dtype.name}" and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), f"{(a != b).sum()} of {a.size} elements differ"


def gens(seed):
    return R.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def raises_like(ember_call, torch_call):
    """ember raises the same exception type with the same message as torch."""
    with pytest.raises(Exception) as theirs:
        torch_call()
    with pytest.raises(type(theirs.value)) as ours:
        ember_call()
    assert str(ours.value) == str(theirs.value).split("\n")[0]


# ------------------------------------------------------------------------------ uniform

@pytest.mark.parametrize("seed", [0, 7, 2 ** 40 + 3])
@pytest.mark.parametrize("ed,td", FLOATS)
def test_rand_sizes(seed, ed, td):
    g, tg = gens(seed)
    for n in SIZES:
        same(S.rand(n, generator=g, dtype=ed), torch.rand(n, generator=tg, dtype=td))
    same(S.rand(3, 4, 5, generator=g, dtype=ed), torch.rand(3, 4, 5, generator=tg, dtype=td))


def test_size_argument_forms():
    g, tg = gens(1)
    for size in [(2, 3), [2, 3], ember.Size([2, 3])]:
        same(S.rand(size, generator=g), torch.rand(tuple(size), generator=tg))
    with pytest.raises(TypeError, match='missing 1 required positional arguments: "size"'):
        torch.rand(generator=tg)
    with pytest.raises(TypeError, match='missing 1 required positional arguments: "size"'):
        S.rand(generator=g)
    same(S.rand((), generator=g), torch.rand((), generator=tg))
    same(S.randn(0, generator=g), torch.randn(0, generator=tg))


@pytest.mark.parametrize("ed,td", FLOATS)
@pytest.mark.parametrize("lo,hi", [(-3.7, 2.1), (-0.0883883476, 0.0883883476), (1000.0, 1000.001), (2.0, 2.0),
                                   (1.0, 1.0000001), (0.0, 5.5), (-1e-30, 1e-30)])
def test_uniform_ranges(ed, td, lo, hi):
    g, tg = gens(3)
    for n in (17, 3001):
        same(S.uniform_(ember.empty(n, dtype=ed), lo, hi, generator=g),
             torch.empty(n, dtype=td).uniform_(lo, hi, generator=tg))


def test_linear_init_bounds():
    # nn.Linear(784, 128): kaiming_uniform_(a=sqrt(5)) on the weight, then the bias, one generator
    g, tg = gens(0)
    bound = 1 / 784 ** 0.5
    same(S.uniform_(ember.empty(128, 784), -bound, bound, generator=g),
         torch.empty(128, 784).uniform_(-bound, bound, generator=tg))
    same(S.uniform_(ember.empty(128), -bound, bound, generator=g), torch.empty(128).uniform_(-bound, bound, generator=tg))


def test_rand_like_and_default_dtype():
    g, tg = gens(4)
    same(S.rand_like(ember.zeros(3, 2, dtype=ember.float64), generator=g),
         torch.rand_like(torch.zeros(3, 2, dtype=torch.float64), generator=tg))
    ember.set_default_dtype(ember.float64)
    try:
        same(S.rand(5, generator=g), torch.rand(5, generator=tg, dtype=torch.float64))
    finally:
        ember.set_default_dtype(ember.float32)
    t = S.rand(2, requires_grad=True)
    assert t.requires_grad and t.is_leaf


# ------------------------------------------------------------------------------ normal

@pytest.mark.parametrize("seed", [0, 1, 99])
@pytest.mark.parametrize("ed,td", FLOATS)
def test_randn_sizes(seed, ed, td):
    g, tg = gens(seed)
    for n in SIZES:
        same(S.randn(n, generator=g, dtype=ed), torch.randn(n, generator=tg, dtype=td))
    same(S.randn(6, 7, generator=g, dtype=ed), torch.randn(6, 7, generator=tg, dtype=td))


def test_randn_float32_many_samples():
    # the float32 Box-Muller path emulates avx_mathfun with GCC's fma contractions: 10 seeds x 20011
    for seed in range(10):
        g, tg = gens(seed)
        same(S.randn(20011, generator=g), torch.randn(20011, generator=tg))


@pytest.mark.parametrize("ed,td", FLOATS)
def test_normal_mean_std(ed, td):
    g, tg = gens(5)
    for n in (2, 15, 16, 100, 1001):
        same(S.normal_(ember.empty(n, dtype=ed), 7.0, 2.5, generator=g),
             torch.empty(n, dtype=td).normal_(7.0, 2.5, generator=tg))
        same(S.normal_(ember.empty(n, dtype=ed), 0.0, 0.02, generator=g),
             torch.empty(n, dtype=td).normal_(0.0, 0.02, generator=tg))


def test_normal_cache_carried_across_calls_and_dtypes():
    g, tg = gens(12)
    calls = [((1,), ember.float32, torch.float32), ((1000,), ember.float32, torch.float32),
             ((3,), ember.float64, torch.float64), ((5,), ember.float32, torch.float32),
             ((16,), ember.float64, torch.float64), ((1,), ember.float64, torch.float64)]
    for size, ed, td in calls:
        same(S.randn(size, generator=g, dtype=ed), torch.randn(size, generator=tg, dtype=td))
    same(S.normal_(ember.empty(1), 3.0, 0.5, generator=g), torch.empty(1).normal_(3.0, 0.5, generator=tg))
    g.manual_seed(12)
    tg.manual_seed(12)  # clears the cache
    same(S.randn(1, generator=g), torch.randn(1, generator=tg))


def test_normal_overloads():
    g, tg = gens(6)
    mean, std = np.linspace(-2, 2, 20).astype(np.float32), np.linspace(0.1, 3, 20).astype(np.float32)
    em, es, tm, ts = ember.tensor(mean), ember.tensor(std), torch.tensor(mean), torch.tensor(std)
    same(S.normal(em, es, generator=g), torch.normal(tm, ts, generator=tg))
    same(S.normal(em, 0.5, generator=g), torch.normal(tm, 0.5, generator=tg))
    same(S.normal(1.5, es, generator=g), torch.normal(1.5, ts, generator=tg))
    same(S.normal(em[:5], es[:5], generator=g), torch.normal(tm[:5], ts[:5], generator=tg))
    same(S.normal(em.reshape(4, 5), es[:5], generator=g), torch.normal(tm.reshape(4, 5), ts[:5], generator=tg))
    same(S.normal(2.0, 3.0, (4, 5), generator=g), torch.normal(2.0, 3.0, (4, 5), generator=tg))
    same(S.normal(2.0, 3.0, size=(3,), generator=g, dtype=ember.float64),
         torch.normal(2.0, 3.0, size=(3,), generator=tg, dtype=torch.float64))
    same(S.randn_like(em, generator=g), torch.randn_like(tm, generator=tg))


# ------------------------------------------------------------------------------ integers

@pytest.mark.parametrize("lo,hi", [(0, 10), (-5, 7), (3, 10 ** 6), (0, 2 ** 28 - 1), (0, 2 ** 28), (0, 2 ** 32),
                                   (0, 2 ** 41), (-(2 ** 40), 2 ** 40)])
def test_randint_ranges(lo, hi):
    g, tg = gens(8)
    for n in (1, 17, 1000):
        same(S.randint(lo, hi, (n,), generator=g), torch.randint(lo, hi, (n,), generator=tg))


def test_randint_forms_and_dtypes():
    g, tg = gens(9)
    same(S.randint(10, (3, 4), generator=g), torch.randint(10, (3, 4), generator=tg))
    same(S.randint(2, 10, size=(5,), generator=g), torch.randint(2, 10, size=(5,), generator=tg))
    same(S.randint(low=2, high=10, size=(5,), generator=g), torch.randint(low=2, high=10, size=(5,), generator=tg))
    for ed, td in [(ember.int32, torch.int32), (ember.int16, torch.int16), (ember.uint8, torch.uint8),
                   (ember.int8, torch.int8), (ember.float32, torch.float32), (ember.float64, torch.float64)]:
        same(S.randint(0, 100, (50,), generator=g, dtype=ed), torch.randint(0, 100, (50,), generator=tg, dtype=td))
    same(S.randint_like(ember.zeros(3), 10, generator=g), torch.randint_like(torch.zeros(3), 10, generator=tg))
    same(S.randint_like(ember.zeros(3), 3, 10, generator=g), torch.randint_like(torch.zeros(3), 3, 10, generator=tg))


@pytest.mark.parametrize("n", [0, 1, 2, 10, 1000, 60000])
def test_randperm(n):
    g, tg = gens(n)
    same(S.randperm(n, generator=g), torch.randperm(n, generator=tg))
    same(S.randperm(n, generator=g, dtype=ember.float32), torch.randperm(n, generator=tg, dtype=torch.float32))


@pytest.mark.parametrize("ed,td", [(ember.int64, torch.int64), (ember.int32, torch.int32), (ember.uint8, torch.uint8),
                                   (ember.int8, torch.int8), (ember.int16, torch.int16), (ember.bool, torch.bool),
                                   (ember.float32, torch.float32), (ember.float64, torch.float64)])
def test_random_(ed, td):
    g, tg = gens(10)
    same(S.random_(ember.empty(40, dtype=ed), generator=g), torch.empty(40, dtype=td).random_(generator=tg))
    if ed is not ember.bool:
        same(S.random_(ember.empty(40, dtype=ed), 7, generator=g), torch.empty(40, dtype=td).random_(7, generator=tg))
        same(S.random_(ember.empty(40, dtype=ed), 3, 9, generator=g),
             torch.empty(40, dtype=td).random_(3, 9, generator=tg))


# ------------------------------------------------------------------------------ bernoulli, exponential

@pytest.mark.parametrize("ed,td", FLOATS)
def test_bernoulli(ed, td):
    g, tg = gens(11)
    p = np.linspace(0, 1, 301)
    for n in (1, 16, 1000):
        same(S.bernoulli_(ember.empty(n, dtype=ed), 0.3, generator=g),
             torch.empty(n, dtype=td).bernoulli_(0.3, generator=tg))
    same(S.bernoulli(ember.tensor(p, dtype=ed), generator=g), torch.bernoulli(torch.tensor(p, dtype=td), generator=tg))
    same(S.bernoulli(ember.zeros(7, dtype=ed), 0.6, generator=g), torch.bernoulli(torch.zeros(7, dtype=td), 0.6,
                                                                                   generator=tg))
    # tensor p broadcast over self, p of another dtype
    pe, pt = ember.tensor(p[:5], dtype=ember.float64), torch.tensor(p[:5], dtype=torch.float64)
    same(S.bernoulli_(ember.empty(4, 5, dtype=ed), pe, generator=g),
         torch.empty(4, 5, dtype=td).bernoulli_(pt, generator=tg))
    same(S.bernoulli_(ember.empty(8, dtype=ember.int64), 0.5, generator=g),
         torch.empty(8, dtype=torch.int64).bernoulli_(0.5, generator=tg))


@pytest.mark.parametrize("ed,td", FLOATS)
def test_exponential(ed, td):
    g, tg = gens(13)
    for n, lam in [(1, 1.0), (17, 0.5), (1000, 3.0)]:
        same(S.exponential_(ember.empty(n, dtype=ed), lam, generator=g),
             torch.empty(n, dtype=td).exponential_(lam, generator=tg))


# ------------------------------------------------------------------------------ multinomial

@pytest.mark.parametrize("ed,td", FLOATS)
def test_multinomial(ed, td):
    g, tg = gens(14)
    p = np.random.RandomState(0).rand(3, 100) ** 3
    p[1, :50] = 0
    pe, pt = ember.tensor(p, dtype=ed), torch.tensor(p, dtype=td)
    for k, rep in [(1, False), (10, False), (50, False), (1, True), (500, True)]:
        same(S.multinomial(pe, k, rep, generator=g), torch.multinomial(pt, k, rep, generator=tg))
        same(S.multinomial(pe[0], k, replacement=rep, generator=g),
             torch.multinomial(pt[0], k, replacement=rep, generator=tg))


# ------------------------------------------------------------------------------ generators, in place

def test_global_vs_explicit_generators_interleaved():
    R.manual_seed(21)
    torch.manual_seed(21)
    g1, t1 = gens(1)
    g2, t2 = R.Generator(), torch.Generator()  # default-seeded
    steps = [
        (lambda g: S.randn(1, generator=g), lambda t: torch.randn(1, generator=t)),
        (lambda g: S.rand(20, generator=g), lambda t: torch.rand(20, generator=t)),
        (lambda g: S.randint(0, 9, (4,), generator=g), lambda t: torch.randint(0, 9, (4,), generator=t)),
        (lambda g: S.randn(3, dtype=ember.float64, generator=g), lambda t: torch.randn(3, dtype=torch.float64,
                                                                                       generator=t)),
    ]
    for e_step, t_step in steps:
        for eg, tg in [(None, None), (g1, t1), (g2, t2)]:
            same(e_step(eg), t_step(tg))
    assert g2.get_state().numpy().tobytes() == t2.get_state().numpy().tobytes()


def test_mixed_sequence_on_one_generator():
    g, tg = gens(31)
    same(S.rand(10, generator=g), torch.rand(10, generator=tg))
    same(S.randn(5, generator=g), torch.randn(5, generator=tg))
    same(S.randn(100, generator=g), torch.randn(100, generator=tg))
    same(S.randperm(30, generator=g), torch.randperm(30, generator=tg))
    same(S.bernoulli_(ember.empty(9), 0.4, generator=g), torch.empty(9).bernoulli_(0.4, generator=tg))
    same(S.multinomial(ember.ones(12), 4, generator=g), torch.multinomial(torch.ones(12), 4, generator=tg))
    same(S.randn(1, dtype=ember.float64, generator=g), torch.randn(1, dtype=torch.float64, generator=tg))


def test_fills_non_contiguous_in_memory_order():
    g, tg = gens(41)
    e, t = ember.zeros(6, 5).t(), torch.zeros(6, 5).t()
    same(S.uniform_(e, -1, 1, generator=g), t.uniform_(-1, 1, generator=tg))
    same(S.normal_(e, generator=g), t.normal_(generator=tg))  # 30 elements, not contiguous: per-element path
    same(S.bernoulli_(e, 0.5, generator=g), t.bernoulli_(0.5, generator=tg))
    e2, t2 = ember.zeros(8, 8), torch.zeros(8, 8)
    same(S.uniform_(e2[:, 1:5], generator=g), t2[:, 1:5].uniform_(generator=tg))
    same(e2, t2)


def test_tensor_methods_and_versions():
    R.manual_seed(50)
    torch.manual_seed(50)
    e, t = ember.empty(20), torch.empty(20)
    v = e._version
    same(e.uniform_(-2, 2), t.uniform_(-2, 2))
    same(e.normal_(1, 2), t.normal_(1, 2))
    same(e.exponential_(), t.exponential_())
    same(e.bernoulli_(0.25), t.bernoulli_(0.25))
    same(e.random_(0, 5), t.random_(0, 5))
    assert e._version == v + 5


def test_in_place_on_leaf_requiring_grad():
    e, t = ember.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
    raises_like(lambda: S.uniform_(e), lambda: t.uniform_())
    with ember.no_grad():
        S.normal_(e)
    assert e.requires_grad and e.is_leaf


# ------------------------------------------------------------------------------ errors

ERRORS = [
    (lambda: S.randint(5, 5, (3,)), lambda: torch.randint(5, 5, (3,))),
    (lambda: S.randint(5, 3, (3,)), lambda: torch.randint(5, 3, (3,))),
    (lambda: S.randint(0, 300, (2,), dtype=ember.uint8), lambda: torch.randint(0, 300, (2,), dtype=torch.uint8)),
    (lambda: S.rand(3, dtype=ember.int64), lambda: torch.rand(3, dtype=torch.int64)),
    (lambda: S.randn(3, dtype=ember.int64), lambda: torch.randn(3, dtype=torch.int64)),
    (lambda: S.uniform_(ember.empty(3), 2, 1), lambda: torch.empty(3).uniform_(2, 1)),
    (lambda: S.uniform_(ember.empty(3, dtype=ember.int64)), lambda: torch.empty(3, dtype=torch.int64).uniform_()),
    (lambda: S.normal_(ember.empty(3), 0, -1), lambda: torch.empty(3).normal_(0, -1)),
    (lambda: S.normal(0.0, -1.5, (3,)), lambda: torch.normal(0.0, -1.5, (3,))),
    (lambda: S.normal(ember.zeros(3), ember.tensor([1., -1., 1.])),
     lambda: torch.normal(torch.zeros(3), torch.tensor([1., -1., 1.]))),
    (lambda: S.normal(ember.zeros(3), -1.0), lambda: torch.normal(torch.zeros(3), -1.0)),
    (lambda: S.bernoulli_(ember.empty(3), 1.5), lambda: torch.empty(3).bernoulli_(1.5)),
    (lambda: S.bernoulli(ember.tensor([1.5])), lambda: torch.bernoulli(torch.tensor([1.5]))),
    (lambda: S.exponential_(ember.empty(3), -1), lambda: torch.empty(3).exponential_(-1)),
    (lambda: S.exponential_(ember.empty(3, dtype=ember.int64)),
     lambda: torch.empty(3, dtype=torch.int64).exponential_()),
    (lambda: S.randperm(-1), lambda: torch.randperm(-1)),
    (lambda: S.multinomial(ember.tensor([1., 2.]), 3), lambda: torch.multinomial(torch.tensor([1., 2.]), 3)),
    (lambda: S.multinomial(ember.tensor([1, 2]), 1), lambda: torch.multinomial(torch.tensor([1, 2]), 1)),
    (lambda: S.multinomial(ember.tensor([1., -2.]), 1), lambda: torch.multinomial(torch.tensor([1., -2.]), 1)),
    (lambda: S.multinomial(ember.tensor([0., 0.]), 1), lambda: torch.multinomial(torch.tensor([0., 0.]), 1)),
    (lambda: S.multinomial(ember.tensor([1., -2.]), 2, True),
     lambda: torch.multinomial(torch.tensor([1., -2.]), 2, True)),
    (lambda: S.multinomial(ember.tensor([0., 0.]), 2, True), lambda: torch.multinomial(torch.tensor([0., 0.]), 2, True)),
    (lambda: S.multinomial(ember.tensor([1., 2.]), 0), lambda: torch.multinomial(torch.tensor([1., 2.]), 0)),
    (lambda: S.multinomial(ember.ones(2, 2, 2), 1), lambda: torch.multinomial(torch.ones(2, 2, 2), 1)),
    (lambda: S.randint(3, (2,), requires_grad=True), lambda: torch.randint(3, (2,), requires_grad=True)),
    (lambda: S.randperm(3, requires_grad=True), lambda: torch.randperm(3, requires_grad=True)),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    raises_like(*ERRORS[case])


def test_failed_call_draws_nothing():
    g = R.Generator().manual_seed(3)
    before = g.get_state().numpy().tobytes()
    for call in (lambda: S.randint(5, 5, (3,), generator=g), lambda: S.normal_(ember.empty(3), 0, -1, generator=g),
                 lambda: S.bernoulli(ember.tensor([0.5, 1.5]), generator=g)):
        with pytest.raises(RuntimeError):
            call()
    assert g.get_state().numpy().tobytes() == before
