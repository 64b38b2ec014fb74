"""PyTorch's autograd tutorials cell by cell under ember: "Automatic Differentiation with torch.autograd"
(basics/autogradqs_tutorial), "A Gentle Introduction to torch.autograd" (blitz/autograd_tutorial, without
its torchvision parts) and the older blitz "Autograd: automatic differentiation"."""
import pytest

pytest.importorskip("torch")

from ._runner import assert_same_output  # noqa: E402

AUTOGRADQS = [
    """
    import torch

    x = torch.ones(5)  # input tensor
    y = torch.zeros(3)  # expected output
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    """,
    """
    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    """,
    """
    loss.backward()
    print(w.grad)
    print(b.grad)
    """,
    """
    z = torch.matmul(x, w)+b
    print(z.requires_grad)

    with torch.no_grad():
        z = torch.matmul(x, w)+b
    print(z.requires_grad)
    """,
    """
    z = torch.matmul(x, w)+b
    z_det = z.detach()
    print(z_det.requires_grad)
    """,
    """
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp+1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\\nSecond call\\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\\nCall after zeroing gradients\\n{inp.grad}")
    """,
    # notebook echoes of the objects the tutorial talks about
    "w", "b", "z", "loss", "z.grad_fn", "loss.grad_fn.next_functions", "w.grad", "out",
    """
    try:
        loss.backward()
    except RuntimeError as e:
        print(e)
    """,
]

GENTLE_INTRO = [
    """
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    """,
    """
    Q = 3*a**3 - b**2
    """,
    """
    external_grad = torch.tensor([1., 1.])
    Q.backward(gradient=external_grad)
    """,
    """
    # check if collected gradients are correct
    print(9*a**2 == a.grad)
    print(-2*b == b.grad)
    """,
    "Q", "a.grad", "b.grad", "Q.grad_fn", "Q.grad_fn.next_functions",
    """
    x = torch.rand(5, 5)
    y = torch.rand(5, 5)
    z = torch.rand((5, 5), requires_grad=True)

    a = x + y
    print(f"Does `a` require gradients?: {a.requires_grad}")
    b = x + z
    print(f"Does `b` require gradients?: {b.requires_grad}")
    """,
]

BLITZ_AUTOGRAD_OLD = [
    """
    x = torch.ones(2, 2, requires_grad=True)
    print(x)
    """,
    """
    y = x + 2
    print(y)
    """,
    """
    print(y.grad_fn)
    """,
    """
    z = y * y * 3
    out = z.mean()

    print(z, out)
    """,
    """
    a = torch.randn(2, 2)
    a = ((a * 3) / (a - 1))
    print(a.requires_grad)
    a.requires_grad_(True)
    print(a.requires_grad)
    b = (a * a).sum()
    print(b.grad_fn)
    """,
    """
    out.backward()
    """,
    """
    print(x.grad)
    """,
    """
    x = torch.randn(3, requires_grad=True)

    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2

    print(y)
    """,
    """
    gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
    y.backward(gradients)

    print(x.grad)
    """,
    """
    print(x.requires_grad)
    print((x ** 2).requires_grad)

    with torch.no_grad():
        print((x ** 2).requires_grad)
    """,
    """
    print(x.requires_grad)
    y = x.detach()
    print(y.requires_grad)
    print(x.eq(y).all())
    """,
]


@pytest.mark.parametrize("cells", [AUTOGRADQS, GENTLE_INTRO, BLITZ_AUTOGRAD_OLD],
                         ids=["autogradqs", "gentle_intro", "blitz_autograd_old"])
def test_autograd_tutorial(cells):
    assert_same_output(cells)
