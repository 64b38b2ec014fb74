"""default_collate / default_convert against torch.utils.data's."""
import collections

import numpy as np
import pytest

import ember
from ember.utils import data as edata

torch = pytest.importorskip("torch")
tdata = torch.utils.data

Point = collections.namedtuple("Point", ["x", "y"])


def same(mine, theirs):
    """Assert two collated structures agree: containers by type and contents, tensors by
    values, dtype and shape."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, ember.Tensor), type(mine)
        assert mine.dtype.name == str(theirs.dtype).replace("torch.", "")
        assert tuple(mine.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert type(mine) is type(theirs) and list(mine) == list(theirs)
        for key in theirs:
            same(mine[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(mine).__name__ == type(theirs).__name__ and len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            same(a, b)
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_array_equal(mine, theirs)
    else:
        assert mine == theirs


def batches_for(make):
    """Return the same batch built from ember tensors and from torch tensors."""
    return make(ember.tensor), make(torch.tensor)


CASES = {
    "ints": lambda t: [0, 1, 2, 3],
    "floats": lambda t: [0.5, 1.25, -2.0],
    "bools": lambda t: [True, False],
    "strings": lambda t: ["a", "b", "c"],
    "numpy_arrays": lambda t: [np.arange(3, dtype=np.int32), np.arange(3, 6, dtype=np.int32)],
    "numpy_float_arrays": lambda t: [np.ones((2, 2), np.float64), np.zeros((2, 2), np.float64)],
    "numpy_scalars": lambda t: [np.float32(1.5), np.float32(2.5)],
    "numpy_int_scalars": lambda t: [np.int64(1), np.int64(2)],
    "dicts": lambda t: [{"A": 0, "B": 1.0}, {"A": 100, "B": 100.0}],
    "namedtuples": lambda t: [Point(0, 0.5), Point(1, 1.5)],
    "tuples": lambda t: [(0, 1), (2, 3)],
    "lists": lambda t: [[0, 1], [2, 3]],
    "tensors": lambda t: [t([[1.0, 2.0]]), t([[3.0, 4.0]])],
    "int_tensors": lambda t: [t([1, 2, 3]), t([4, 5, 6])],
    "zero_dim_tensors": lambda t: [t(1.5), t(2.5)],
    "image_label_pairs": lambda t: [(t([[0.0, 1.0]]), 3), (t([[2.0, 3.0]]), 7)],
    "nested": lambda t: [{"img": (t([1.0]), [1, "x"])}, {"img": (t([2.0]), [2, "y"])}],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_collate_matches_torch(name):
    mine, theirs = batches_for(CASES[name])
    same(edata.default_collate(mine), tdata.default_collate(theirs))


def test_collate_unequal_sequences_and_bad_types_match_torch():
    with pytest.raises(RuntimeError) as mine:
        edata.default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError) as theirs:
        tdata.default_collate([[1, 2], [3]])
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(TypeError) as mine:
        edata.default_collate([object(), object()])
    assert str(mine.value).startswith("default_collate: batch must contain tensors, numpy "
                                      "arrays, numbers, dicts or lists; found <class 'object'>")
    with pytest.raises(TypeError) as mine:
        edata.default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError) as theirs:
        tdata.default_collate([np.array(["a"]), np.array(["b"])])
    assert str(mine.value) == str(theirs.value)


CONVERT_CASES = {
    "int": lambda: 0,
    "array": lambda: np.array([0, 1]),
    "float_array": lambda: np.array([0.5, 1.0], dtype=np.float32),
    "namedtuple": lambda: Point(np.array(0), np.array(1)),
    "list": lambda: [np.array([0, 1]), np.array([2, 3])],
    "tuple": lambda: (np.array([1]), "s"),
    "dict": lambda: {"a": np.array([1.5]), "b": 2},
    "str_array": lambda: np.array(["a", "b"]),
    "numpy_scalar": lambda: np.float64(2.5),
}


@pytest.mark.parametrize("name", sorted(CONVERT_CASES))
def test_default_convert_matches_torch(name):
    same(edata.default_convert(CONVERT_CASES[name]()), tdata.default_convert(CONVERT_CASES[name]()))


def test_default_convert_passes_tensors_through():
    t = ember.tensor([1.0, 2.0])
    assert edata.default_convert(t) is t
