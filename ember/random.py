"""Random number generation with PyTorch's CPU streams, bit for bit.

``Generator`` is PyTorch's CPU generator: MT19937 seeded by ``init_genrand`` (NumPy's MT19937 bit
generator runs the engine), the double normal cache, and a 5056-byte state that round-trips with
``torch.Generator.get_state()``. The ``_uniform``/``_normal``/... methods consume words exactly as
ATen's CPU kernels do (see docs and shared/reference/rng-parity.md) and return C-contiguous arrays.
"""
import contextlib
import math
import secrets

import numpy as np

from . import _random_kernels as _k

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng"]

_DEFAULT_SEED = 67280421310721
_N = 624
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState)
_STATE_LAYOUT = np.dtype([("seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
                          ("state", "<u8", (_N,)), ("normal_x", "<f8"), ("normal_y", "<f8"),
                          ("normal_rho", "<f8"), ("normal_is_valid", "<i4"), ("_pad0", "<i4"),
                          ("float_normal", "<f4"), ("float_normal_valid", "u1"), ("_pad1", "u1", (3,))])
_RANDPERM_SMALL = 214748364  # UINT32_MAX / 20: below it randperm takes 32-bit draws


def _as_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


class Generator:
    """Creates and returns a generator object that manages the state of the algorithm which produces
    pseudo random numbers (PyTorch's CPU Mersenne Twister)."""
    # repr as PyTorch's <torch._C.Generator object at 0x...>; ember._C re-exports the class for pickle
    __module__ = "ember._C"

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"ember supports only the CPU generator, got device {device!r}")
        self._engine = None          # NumPy MT19937, created on the first draw (construction is slow)
        self._draws = None           # np.random.Generator over it, for bulk 32-bit words
        self._seed = _DEFAULT_SEED
        self._pristine = True        # freshly seeded: torch reports next=0 rather than 624
        self._normal_cache = None    # at::normal_distribution<double>'s cached sample
        self._float_normal = None    # kept only so get_state/set_state round-trip
        self._pending_seed = True

    @property
    def device(self):
        """The device of the generator (always cpu)."""
        from .device import device
        return device("cpu")

    # ------------------------------------------------------------------ seeding and state
    def manual_seed(self, seed):
        """Sets the seed for generating random numbers. Returns a ``Generator`` object."""
        self._seed = _as_seed(seed)
        self._pending_seed = True
        self._pristine = True
        self._normal_cache = None
        self._float_normal = None
        return self

    def seed(self):
        """Gets a non-deterministic random number from the OS and uses it to seed the generator."""
        value = secrets.randbits(64)
        self.manual_seed(value)
        return value

    def initial_seed(self):
        """Returns the initial seed for generating random numbers."""
        return self._seed

    def _bitgen(self):
        if self._engine is None:
            self._engine = np.random.MT19937(0)
            self._draws = np.random.Generator(self._engine)
        if self._pending_seed:
            self._engine._legacy_seeding(self._seed & 0xFFFFFFFF)  # init_genrand: low 32 bits only
            self._pending_seed = False
        return self._engine

    def get_state(self):
        """Returns the Generator state as a ``torch.ByteTensor`` (5056 bytes, PyTorch's layout)."""
        from ._tensor import _wrap
        return _wrap(self._state_bytes())

    def _state_bytes(self):
        engine = self._bitgen().state["state"]
        rec = np.zeros((), dtype=_STATE_LAYOUT)
        pos = int(engine["pos"])
        rec["seed"], rec["seeded"] = self._seed, 1
        rec["left"] = _N + 1 - pos
        rec["next"] = 0 if (pos == _N and self._pristine) else pos
        rec["state"] = engine["key"]
        if self._normal_cache is not None:
            rec["normal_y"], rec["normal_is_valid"] = self._normal_cache, 1
        if self._float_normal is not None:
            rec["float_normal"], rec["float_normal_valid"] = self._float_normal, 1
        return np.frombuffer(rec.tobytes(), dtype=np.uint8).copy()

    def set_state(self, new_state):
        """Sets the Generator state from a ``torch.ByteTensor`` returned by ``get_state``."""
        data = getattr(new_state, "_data", None)
        if data is None or data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._set_state_bytes(np.ascontiguousarray(data).reshape(-1))
        return self

    def _set_state_bytes(self, raw):
        if raw.size != _STATE_BYTES:  # PyTorch 2.13 no longer reads the 5048-byte legacy layout
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {raw.size}")
        rec = raw.view(_STATE_LAYOUT)[0]
        left, nxt, seeded = int(rec["left"]), int(rec["next"]), int(rec["seeded"])
        if not (seeded and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        if left != 1 and left + nxt != _N + 1:
            # torch itself never produces these; NumPy's engine keeps one position, not two counters
            raise RuntimeError("ember cannot continue an mt19937 state with left + next != 625")
        cache = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        float_cache = rec["float_normal"] if rec["float_normal_valid"] else None
        engine = self._bitgen()
        engine.state = {"bit_generator": "MT19937",
                        "state": {"key": (rec["state"] & 0xFFFFFFFF).astype(np.uint32),
                                  "pos": _N if left == 1 else nxt}}
        self._seed, self._pristine = int(rec["seed"]), (left == 1 and nxt == 0)
        self._normal_cache, self._float_normal = cache, float_cache

    # ------------------------------------------------------------------ raw draws
    def _words(self, n):
        """n consecutive tempered 32-bit outputs, as uint32."""
        self._bitgen()
        self._pristine = self._pristine and n == 0
        return self._draws.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def _random(self):
        """One 32-bit draw (``random()``), as a Python int."""
        return int(self._words(1)[0])

    def _random64(self):
        """One 64-bit draw (``random64()``): the first 32-bit word is the high half."""
        hi, lo = self._words(2).tolist()
        return (hi << 32) | lo

    def _u64(self, n):
        """n 64-bit draws (``random64()``) as uint64, built in the words' own memory."""
        v = self._words(2 * n).view(np.uint64)  # little-endian: (second << 32) | first
        for c in _chunks(n):
            first = v[c] & np.uint64(0xFFFFFFFF)
            v[c] >>= np.uint64(32)
            v[c] |= first << np.uint64(32)
        return v

    def _unit24(self, n):
        """n floats in [0, 1) with 24 random bits, one word each (uniform_real<float>)."""
        w = self._words(n)
        w &= 0xFFFFFF
        out = w.view(np.float32)  # converted in place: fresh large arrays cost page faults
        np.copyto(out, w, casting="unsafe")
        out *= np.float32(2.0 ** -24)
        return out

    def _unit53(self, n):
        """n doubles in [0, 1) with 53 random bits, two words each (uniform_real<double>)."""
        v = self._words(2 * n).view(np.uint64)  # (lo << 32) | hi, lo being the second draw
        out = v.view(np.float64)
        for c in _chunks(n):
            hi = (v[c] & np.uint64(0x1FFFFF)).astype(np.float64)
            hi *= 2.0 ** 32
            hi += v[c] >> np.uint64(32)  # exact: the 53-bit integer fits a double
            out[c] = hi
        out *= 2.0 ** -53
        return out

    # ------------------------------------------------------------------ distributions
    def _uniform(self, shape, np_dtype, low=0.0, high=1.0):
        """Uniform values in [low, high) (``uniform_``): float32/16 take one word each, float64 two."""
        shape, np_dtype = _shape(shape), np.dtype(np_dtype)
        n = _numel(shape)
        if np_dtype == np.float64:
            lo, hi = float(low), float(high)
            out = self._unit53(n)
            if lo == 0.0:
                out *= hi
            else:
                for c in _chunks(n):
                    out[c] = _k.fma64(out[c], hi - lo, lo)
            to_s, from_s = hi, lo
        else:
            lo, hi = np.float32(low), np.float32(high)
            out = _fma32_uniform(self._unit24(n), hi - lo, lo)
            to_s, from_s = np_dtype.type(high), np_dtype.type(low)
        out = out.astype(np_dtype, copy=False)
        if not (lo == 0.0 and hi == 1.0):
            for c in _chunks(n):  # the kernel's clamp when rounding reaches the upper bound
                part = out[c]
                part[part == to_s] = from_s
        return out.reshape(shape)

    def _normal(self, shape, np_dtype, mean=0.0, std=1.0, contiguous=True):
        """Normal values (``normal_``): Box-Muller on 16-blocks for >= 16 contiguous elements,
        otherwise the per-element double path that reads and refills the generator's cache."""
        shape, np_dtype = _shape(shape), np.dtype(np_dtype)
        n = _numel(shape)
        if n >= 16 and contiguous:
            work = np.float32 if np_dtype != np.float64 else np.float64
            draw = self._unit24 if work == np.float32 else self._unit53
            d = draw(n)
            full = n - n % 16
            _k.box_muller16(d[:full], mean, std)
            if n % 16:
                tail = draw(16)
                _k.box_muller16(tail, mean, std)
                d[n - 16:] = tail
            return d.astype(np_dtype, copy=False).reshape(shape)
        return self._normal_double(n, float(mean), float(std)).astype(np_dtype).reshape(shape)

    def _normal_double(self, n, mean, std):
        base = np.empty(n, dtype=np.float64)
        start = 0
        if n and self._normal_cache is not None:
            base[0], start, self._normal_cache = self._normal_cache, 1, None
        pairs = (n - start + 1) // 2
        if pairs:
            u = self._unit53(2 * pairs).reshape(pairs, 2)
            r = np.sqrt(-2.0 * _k.libm("log1p")(-u[:, 1]))
            theta = (2.0 * math.pi) * u[:, 0]
            fresh = np.empty(2 * pairs)
            fresh[0::2] = r * _k.libm("cos")(theta)
            fresh[1::2] = r * _k.libm("sin")(theta)
            base[start:] = fresh[:n - start]
            if (n - start) % 2:
                self._normal_cache = float(fresh[-1])  # the unused sine waits for the next call
        return _k.fma64(base, std, mean)

    def _randint(self, low, high, shape, np_dtype):
        """Integers in [low, high) (``random_(from, to)``): ``draw % range + low``, 64-bit draws from 2**28."""
        shape, n = _shape(shape), _numel(_shape(shape))
        span = int(high) - int(low)
        if span >= 1 << 28:
            v = self._u64(n) % np.uint64(span)
        else:
            v = (self._words(n) % np.uint32(span)).astype(np.uint64)
        v = (v + np.uint64(int(low) & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
        return v.astype(np_dtype).reshape(shape)

    def _randperm(self, n):
        """A random permutation of 0..n-1 (int64), PyTorch's Fisher-Yates."""
        n = int(n)
        if n < _RANDPERM_SMALL:
            if n < 2:
                return np.arange(n, dtype=np.int64)
            return _k.forward_shuffle(self._words(n - 1) % np.arange(n, 1, -1, dtype=np.uint32))
        perm = np.empty(n, dtype=np.int64)  # inside-out shuffle with 64-bit draws (unverified vs torch)
        draws = self._u64(n)
        for i in range(n):
            z = int(draws[i]) % (i + 1)
            perm[i] = perm[z]
            perm[z] = i
        return perm

    def _bernoulli_scalar(self, shape, p, np_dtype):
        """1 with probability p, else 0 (``bernoulli_(p)``): one 53-bit double per element."""
        shape = _shape(shape)
        return (self._unit53(_numel(shape)) < float(p)).astype(np_dtype).reshape(shape)

    def _bernoulli_tensor(self, p_array):
        """1 with probability p per element, in p's dtype: float64 p takes 53-bit doubles, others 24-bit floats."""
        p = np.asarray(p_array)
        if p.dtype == np.float64:
            u = self._unit53(p.size)
        else:
            u, p = self._unit24(p.size), p.astype(np.float32)
        return (u < p.reshape(-1)).astype(p_array.dtype).reshape(p.shape)

    def _exponential(self, shape, lambd, np_dtype):
        """Exponential values with rate lambd: ``-1/lambd * log1p(-u)`` in double, u a 53-bit double."""
        shape = _shape(shape)
        u = self._unit53(_numel(shape))
        return ((-1.0 / float(lambd)) * _k.libm("log1p")(-u)).astype(np_dtype).reshape(shape)

    def _multinomial(self, p_array, num_samples, replacement):
        """Category indices (int64) drawn from each row of p, PyTorch's two algorithms."""
        p = np.asarray(p_array)
        rows = p.reshape(-1, p.shape[-1])
        if not replacement or num_samples == 1:
            # exponential race: argmax/topk of p / Exp(1), two words per category even when k is small
            q = rows / self._exponential(rows.shape, 1.0, rows.dtype)
            out = np.argsort(-q, axis=1, kind="stable")[:, :num_samples]
        else:
            out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
            for i, row in enumerate(rows):
                cum = np.cumsum(row, dtype=row.dtype)  # serial sum in the input dtype, as the kernel
                cum = (cum / cum[-1]).astype(np.float64)
                cum[-1] = 1.0
                out[i] = np.searchsorted(cum, self._unit53(num_samples), side="left")
        return out.astype(np.int64).reshape(p.shape[:-1] + (num_samples,))


def _fma32_uniform(x, span, lo):
    """fma(x, span, lo) in float32, in place, for x = k * 2**-24; skips the tie check when exact."""
    if lo == 0:
        x *= span
        return x
    # x*span has bits down to 2**(e_span-48); the float64 sum is exact when it spans <= 53 bits
    e_s, e_l = math.frexp(float(span))[1], math.frexp(float(lo))[1]
    exact = span != 0 and max(e_s, e_l) + 2 - min(e_s - 48, e_l - 24) <= 53
    for c in _chunks(x.size):
        if exact:
            t = x[c] * np.float64(span)
            t += float(lo)
            x[c] = t
        else:
            x[c] = _k.fma32(x[c], span, lo)
    return x


def _chunks(n, size=1 << 16):
    return [slice(i, i + size) for i in range(0, n, size)]


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _numel(shape):
    return math.prod(shape)


default_generator = Generator()
default_generator.manual_seed(_DEFAULT_SEED)


def manual_seed(seed):
    """Sets the seed for generating random numbers on all devices. Returns a ``torch.Generator`` object."""
    return default_generator.manual_seed(seed)


def seed():
    """Sets the seed for generating random numbers to a non-deterministic random number; returns it."""
    return default_generator.seed()


def initial_seed():
    """Returns the initial seed for generating random numbers as a Python ``long``."""
    return default_generator.initial_seed()


def get_rng_state():
    """Returns the random number generator state as a ``torch.ByteTensor``."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Sets the random number generator state."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Forks the RNG, so that when you return, the RNG is reset to the state that it was previously in."""
    if not enabled:
        yield
        return
    saved = default_generator._state_bytes()
    try:
        yield
    finally:
        default_generator._set_state_bytes(saved)
