"""Parity with torch found by fuzzing: 0-d inputs to flip/movedim/nanmedian, and the dtype check of
``x[index] = value`` (PyTorch's index_put_ needs matching dtypes except for a lone mask and a 0-d value)."""
import re

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

ZERO_D = {
    "flip_tuple": lambda lib, x: lib.flip(x, (0,)), "flip_empty": lambda lib, x: lib.flip(x, ()),
    "flip_method": lambda lib, x: x.flip(-1), "movedim": lambda lib, x: lib.movedim(x, 0, 0),
    "movedim_neg": lambda lib, x: lib.movedim(x, -1, 0), "nanmedian_dim": lambda lib, x: lib.nanmedian(x, 0).values,
    "nanmedian_keepdim": lambda lib, x: lib.nanmedian(x, -1, True).values,
    "nanmedian_index": lambda lib, x: lib.nanmedian(x, 0).indices,
}


@pytest.mark.parametrize("case", list(ZERO_D), ids=str)
def test_zero_dim_inputs_match_torch(case):
    e_in, t_in = ember.tensor(1.5, requires_grad=True), torch.tensor(1.5, requires_grad=True)
    e, t = ZERO_D[case](ember, e_in), ZERO_D[case](torch, t_in)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
    if t.grad_fn is not None and case.startswith(("flip", "movedim")):
        assert e.grad_fn.name() == t.grad_fn.name()


def test_zero_dim_nanmedian_rejects_dim_1_as_torch():
    with pytest.raises(IndexError) as te:
        torch.nanmedian(torch.tensor(1.0), 1)
    with pytest.raises(IndexError, match=re.escape(str(te.value))):
        ember.nanmedian(ember.tensor(1.0), 1)


def _setitems(lib):
    m = lib.tensor([True, False, True])
    return [
        (m, lib.tensor(1)), (m, lib.ones(4, dtype=lib.long)), (m, lib.ones(4, dtype=lib.float64)),
        (lib.tensor(True), lib.ones(4, dtype=lib.long)), ((slice(None), lib.tensor([True, False, True, False])),
                                                          lib.ones(2, dtype=lib.long)),
        (lib.tensor([0, 1]), lib.tensor(1)), (lib.tensor([0, 1]), lib.tensor([1])), ([True, False, True], lib.tensor(2)),
        (1, lib.tensor(3)), (slice(0, 2), lib.ones(4, dtype=lib.long)),
    ]


@pytest.mark.parametrize("i", range(10))
def test_setitem_dtype_check_matches_torch(i):
    results = []
    for lib in (ember, torch):
        x = lib.zeros(3, 4)
        index, value = _setitems(lib)[i]
        try:
            x[index] = value
            results.append(x.numpy())
        except RuntimeError as err:
            results.append(str(err))
    e, t = results
    if isinstance(t, str):
        assert e == t
    else:
        np.testing.assert_array_equal(e, t)
