"""PyTorch's tensor and autograd tutorials, cell by cell, print the same under ember as under torch.

The cells follow the official tutorials (pytorch/tutorials: beginner_source/basics/tensorqs_tutorial,
autogradqs_tutorial, blitz/tensor_tutorial, blitz/autograd_tutorial) and the documentation pages
on tensor views, broadcasting and type promotion. A notebook echo of ``x`` is the cell's last
expression (the runner prints its repr, as IPython does).
"""
import pytest

pytest.importorskip("torch")

from ._runner import assert_same_output  # noqa: E402

TENSORQS = [
    """
    data = [[1, 2],[3, 4]]
    x_data = torch.tensor(data)
    """,
    """
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    """,
    """
    x_ones = torch.ones_like(x_data) # retains the properties of x_data
    print(f"Ones Tensor: \\n {x_ones} \\n")

    x_rand = torch.rand_like(x_data, dtype=torch.float) # overrides the datatype of x_data
    print(f"Random Tensor: \\n {x_rand} \\n")
    """,
    """
    shape = (2,3,)
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)

    print(f"Random Tensor: \\n {rand_tensor} \\n")
    print(f"Ones Tensor: \\n {ones_tensor} \\n")
    print(f"Zeros Tensor: \\n {zeros_tensor}")
    """,
    """
    tensor = torch.rand(3,4)

    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    """,
    """
    if torch.cuda.is_available() & (torch.device('cuda').index is not None):
        tensor = tensor.to('cuda')
    """,
    """
    tensor = torch.ones(4, 4)
    print('First row: ', tensor[0])
    print('First column: ', tensor[:, 0])
    print('Last column:', tensor[..., -1])
    tensor[:,1] = 0
    print(tensor)
    """,
    """
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1)
    """,
    """
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)

    y3 = torch.rand_like(tensor)
    torch.matmul(tensor, tensor.T, out=y3)


    z1 = tensor * tensor
    z2 = tensor.mul(tensor)

    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    """,
    """
    print(y1, y2, y3, z1, z2, z3, sep="\\n")
    """,
    """
    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))
    """,
    """
    print(tensor, "\\n")
    tensor.add_(5)
    print(tensor)
    """,
    """
    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")
    """,
    """
    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")
    """,
    """
    n = np.ones(5)
    t = torch.from_numpy(n)
    """,
    """
    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")
    """,
]


BLITZ_TENSOR = [
    """
    x = torch.empty(5, 3)
    print(x.shape, x.dtype)
    """,
    """
    x = torch.rand(5, 3)
    print(x)
    """,
    """
    x = torch.zeros(5, 3, dtype=torch.long)
    print(x)
    """,
    """
    x = torch.tensor([5.5, 3])
    print(x)
    """,
    """
    x = x.new_ones(5, 3, dtype=torch.double)      # new_* methods take in sizes
    print(x)

    x = torch.randn_like(x, dtype=torch.float)    # override dtype!
    print(x)                                      # result has the same size
    """,
    """
    print(x.size())
    """,
    """
    y = torch.rand(5, 3)
    print(x + y)
    """,
    """
    print(torch.add(x, y))
    """,
    """
    result = torch.empty(5, 3)
    torch.add(x, y, out=result)
    print(result)
    """,
    """
    y.add_(x)
    print(y)
    """,
    """
    print(x[:, 1])
    """,
    """
    x = torch.randn(4, 4)
    y = x.view(16)
    z = x.view(-1, 8)  # the size -1 is inferred from other dimensions
    print(x.size(), y.size(), z.size())
    """,
    """
    x = torch.randn(1)
    print(x)
    print(x.item())
    """,
    """
    a = torch.ones(5)
    print(a)
    """,
    """
    b = a.numpy()
    print(b)
    """,
    """
    a.add_(1)
    print(a)
    print(b)
    """,
    """
    import numpy as np
    a = np.ones(5)
    b = torch.from_numpy(a)
    np.add(a, 1, out=a)
    print(a)
    print(b)
    """,
    """
    if torch.cuda.is_available():
        device = torch.device("cuda")
    print(torch.cuda.is_available())
    """,
    # notebook echoes
    "x", "x.size()", "x.shape", "x.dtype", "x.device", "torch.zeros(2, 3, dtype=torch.long)",
    "torch.tensor([[1., -1.], [1., -1.]])", "torch.tensor(np.array([[1, 2, 3], [4, 5, 6]]))",
    "torch.zeros([2, 4], dtype=torch.int32)", "torch.ones([2, 4], dtype=torch.float64)",
    "torch.tensor([[1, 2, 3], [4, 5, 6]])[1][2]", "torch.tensor([[1]]).item()", "torch.tensor(2.5).item()",
]

TENSOR_VIEWS = [
    """
    t = torch.rand(4, 4)
    b = t.view(2, 8)
    print(t.storage().data_ptr() == b.storage().data_ptr())  # `t` and `b` share the same underlying data.
    """,
    """
    b[0][0] = 3.14
    print(t[0][0])
    """,
    """
    base = torch.tensor([[0, 1],[2, 3]])
    print(base.is_contiguous())
    t = base.transpose(0, 1)  # `t` is a view of `base`. No data movement happened here.
    print(t.is_contiguous())
    c = t.contiguous()
    print(c.is_contiguous(), c)
    """,
    """
    x = torch.arange(12).reshape(3, 4)
    for v in (x[1], x[:, 1], x[..., ::2], x.t(), x.T, x.narrow(1, 1, 2), x.unsqueeze(0), x.flatten(),
              x.view(4, 3), x.unflatten(1, (2, 2)), x.diagonal(), x.expand(2, 3, 4), x.unbind(0)[1], x.split(2, 1)[0],
              x.chunk(2)[1], x.movedim(0, 1), x.permute(1, 0), x.swapaxes(0, 1), x.squeeze()):
        print(v.shape, v.stride(), v.storage_offset(), v.is_contiguous(), v._base is x)
    """,
    """
    y = x.t()
    y[0, 1] = 100
    print(x)
    print(x.view(-1)[4:8])
    """,
]

BROADCASTING = [
    """
    x=torch.empty(5,7,3)
    y=torch.empty(5,7,3)
    # same shapes are always broadcastable (i.e. the above rules always hold)

    x=torch.empty((0,))
    y=torch.empty(2,2)
    # x and y are not broadcastable, because x does not have at least 1 dimension

    # can line up trailing dimensions
    x=torch.empty(5,3,4,1)
    y=torch.empty(  3,1,1)
    # x and y are broadcastable.
    # 1st trailing dimension: both have size 1
    # 2nd trailing dimension: y has size 1
    # 3rd trailing dimension: x size == y size
    # 4th trailing dimension: y dimension doesn't exist
    print((x+y).size())
    """,
    """
    x=torch.empty(5,2,4,1)
    y=torch.empty(  3,1,1)
    try:
        (x+y).size()
    except RuntimeError as e:
        print(e)
    """,
    """
    x=torch.empty(5,1,4,1)
    y=torch.empty(  3,1,1)
    print((x+y).size())
    """,
    """
    x=torch.empty(1)
    y=torch.empty(3,1,7)
    print((x+y).size())
    """,
    """
    x=torch.empty(5,2,4,1)
    y=torch.empty(3,1,1)
    try:
        (x+y).size()
    except RuntimeError as e:
        print(e)
    """,
    """
    x=torch.empty(1,3,1)
    y=torch.empty(3,1,7)
    try:
        x.add_(y)
    except RuntimeError as e:
        print(e)
    """,
    """
    x=torch.empty(5,3,1,1)
    y=torch.empty(3,1,7)
    print(x.add_(torch.zeros(3, 1, 1)).size())
    """,
    """
    print(torch.add(torch.ones(4,1), torch.ones(4)).size())
    print(torch.broadcast_shapes((2,), (3, 1), (1, 1, 1)))
    print(torch.broadcast_tensors(torch.arange(3), torch.arange(2).view(2, 1)))
    """,
]

TYPE_PROMOTION = [
    """
    float_tensor = torch.ones(1, dtype=torch.float)
    double_tensor = torch.ones(1, dtype=torch.double)
    complex_float_tensor = torch.ones(1, dtype=torch.float)
    int_tensor = torch.ones(1, dtype=torch.int)
    long_tensor = torch.ones(1, dtype=torch.long)
    uint_tensor = torch.ones(1, dtype=torch.uint8)
    bool_tensor = torch.ones(1, dtype=torch.bool)
    # zero-dim tensors
    long_zerodim = torch.tensor(1, dtype=torch.long)
    int_zerodim = torch.tensor(1, dtype=torch.int)
    """,
    "torch.add(5, 5).dtype",
    "(int_tensor + 5).dtype",
    "(int_tensor + long_zerodim).dtype",
    "(long_tensor + int_tensor).dtype",
    "(bool_tensor + long_tensor).dtype",
    "(bool_tensor + uint_tensor).dtype",
    "(float_tensor + double_tensor).dtype",
    "(long_tensor + float_tensor).dtype",
    """
    # allowed
    float_tensor *= float_tensor
    float_tensor *= int_tensor
    float_tensor *= uint_tensor
    float_tensor *= bool_tensor
    float_tensor *= double_tensor
    int_tensor *= long_tensor
    int_tensor *= uint_tensor
    uint_tensor *= int_tensor
    print(float_tensor, int_tensor, uint_tensor)
    """,
    """
    # disallowed (RuntimeError: result type can't be cast to the desired output type):
    for f in (lambda: int_tensor.__imul__(float_tensor), lambda: bool_tensor.__imul__(int_tensor),
              lambda: bool_tensor.__imul__(uint_tensor), lambda: uint_tensor.__imul__(float_tensor)):
        try:
            f()
        except RuntimeError as e:
            print(e)
    """,
    "torch.tensor([1, 2]) * 2.5",
    "torch.tensor([1, 2]) / 2",
    "torch.tensor([1, 2]) // 2",
    "torch.tensor([1., 2.]) * torch.tensor(2.5, dtype=torch.float64)",
    "torch.tensor([1, 2], dtype=torch.int8) + 1000",
    "torch.tensor([True, False]) + 1",
    "torch.tensor([True, False]) + 1.5",
    "torch.result_type(torch.tensor([1, 2], dtype=torch.int), 1.0)",
    "torch.result_type(torch.tensor([1, 2], dtype=torch.uint8), torch.tensor(1))",
    "torch.result_type(torch.tensor(1.5), torch.tensor([1, 2]))",
    "torch.promote_types(torch.int32, torch.float32)",
    "torch.promote_types(torch.uint8, torch.int8)",
    "torch.can_cast(torch.double, torch.float)",
    "torch.can_cast(torch.float, torch.int)",
    "torch.get_default_dtype()",
    "torch.tensor([1.2, 3]).dtype",
    """
    torch.set_default_dtype(torch.float64)
    print(torch.tensor([1.2, 3]).dtype, torch.tensor([1.2, 3j]).dtype if False else None)
    torch.set_default_dtype(torch.float32)
    print(torch.tensor([1.2, 3]).dtype)
    """,
    "torch.arange(5) / 2", "torch.arange(5.) ** 2", "torch.full((2,), 3).dtype", "torch.full((2,), 3.).dtype",
    "torch.tensor(3) * torch.tensor([1.5])", "torch.tensor([3]) * torch.tensor(1.5)",
    "torch.iinfo(torch.int32).max", "torch.finfo(torch.float32).eps", "torch.finfo(torch.float16)",
]


@pytest.mark.parametrize("cells", [TENSORQS, BLITZ_TENSOR, TENSOR_VIEWS, BROADCASTING, TYPE_PROMOTION],
                         ids=["tensorqs", "blitz_tensor", "tensor_views", "broadcasting", "type_promotion"])
def test_tensor_tutorial(cells):
    assert_same_output(cells)
