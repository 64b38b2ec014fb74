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


def test_tensorqs_tutorial():
    assert_same_output(TENSORQS)
