""""Learning PyTorch with Examples" (pytorch/tutorials beginner_source/examples_*) under ember.

Each program runs as the tutorial has it, with its loop shortened to a few hundred iterations
(the ``if t % 100 == 99: print(t, loss.item())`` printouts kept; DynamicNet prints every 100 steps
too, its 2000 being beyond the shortened loop), and must print what PyTorch
prints, losses included.
"""
import pytest

pytest.importorskip("torch")

from ._runner import assert_same_output  # noqa: E402

STEPS = 200

POLYNOMIAL_NUMPY = [f"""
    # Create random input and output data
    x = np.linspace(-math.pi, math.pi, 2000)
    y = np.sin(x)

    # Randomly initialize weights
    a = np.random.randn()
    b = np.random.randn()
    c = np.random.randn()
    d = np.random.randn()

    learning_rate = 1e-6
    for t in range({STEPS}):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = np.square(y_pred - y).sum()
        if t % 100 == 99:
            print(t, loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d

    print(f'Result: y = {{a}} + {{b}} x + {{c}} x^2 + {{d}} x^3')
    """]

POLYNOMIAL_TENSOR = [f"""
    dtype = torch.float
    device = torch.device("cpu")

    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    a = torch.randn((), device=device, dtype=dtype)
    b = torch.randn((), device=device, dtype=dtype)
    c = torch.randn((), device=device, dtype=dtype)
    d = torch.randn((), device=device, dtype=dtype)

    learning_rate = 1e-6
    for t in range({STEPS}):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 100 == 99:
            print(t, loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d

    print(f'Result: y = {{a.item()}} + {{b.item()}} x + {{c.item()}} x^2 + {{d.item()}} x^3')
    """]

POLYNOMIAL_AUTOGRAD = [f"""
    dtype = torch.float
    device = "cpu"
    torch.set_default_device(device)

    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)

    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)

    learning_rate = 1e-6
    for t in range({STEPS}):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f'Result: y = {{a.item()}} + {{b.item()}} x + {{c.item()}} x^2 + {{d.item()}} x^3')
    """]

POLYNOMIAL_CUSTOM_FUNCTION = ["""
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    """, f"""
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

    learning_rate = 5e-6
    for t in range({STEPS}):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f'Result: y = {{a.item()}} + {{b.item()}} * P3({{c.item()}} + {{d.item()}} x)')
    """, """
    print(y_pred.grad_fn)
    print(y_pred.grad_fn.next_functions[1][0].next_functions)
    """]

POLYNOMIAL_NN = [f"""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    print(xx.shape)

    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    loss_fn = torch.nn.MSELoss(reduction='sum')

    learning_rate = 1e-6
    for t in range({STEPS}):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad

    linear_layer = model[0]
    print(f'Result: y = {{linear_layer.bias.item()}} + {{linear_layer.weight[:, 0].item()}} x + '
          f'{{linear_layer.weight[:, 1].item()}} x^2 + {{linear_layer.weight[:, 2].item()}} x^3')
    """, """
    model
    """]

POLYNOMIAL_OPTIM = [f"""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    loss_fn = torch.nn.MSELoss(reduction='sum')

    learning_rate = 1e-3
    optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
    for t in range({STEPS}):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    linear_layer = model[0]
    print(f'Result: y = {{linear_layer.bias.item()}} + {{linear_layer.weight[:, 0].item()}} x + '
          f'{{linear_layer.weight[:, 1].item()}} x^2 + {{linear_layer.weight[:, 2].item()}} x^3')
    """]

POLYNOMIAL_MODULE = ["""
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'
    """, f"""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    model = Polynomial3()

    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range({STEPS}):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f'Result: {{model.string()}}')
    """, """
    print(list(model.named_parameters()))
    """]

DYNAMIC_NET = ["""
    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))
            self.e = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

        def string(self):
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'
    """, f"""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    model = DynamicNet()

    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range({STEPS}):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f'Result: {{model.string()}}')
    """]


_SIN = pytest.mark.xfail(strict=True, reason=(
    "y = sin(x) differs in the last bit for ~13% of the points: PyTorch's float32 sin is Sleef's vectorised "
    "sinf (AVX2), NumPy's its own SIMD sinf; the losses drift apart in the last digits"))
_SIN_AND_LINEAR = pytest.mark.xfail(strict=True, reason=(
    "besides sin (above), Linear's addmm goes through PyTorch's MKL sgemm and ember's NumPy BLAS, which "
    "round the 3-term dot products differently: losses differ after the 6th significant digit"))


@pytest.mark.parametrize("cells", [
    POLYNOMIAL_NUMPY,
    POLYNOMIAL_TENSOR,   # sin's last bits (below) show only after ~250 steps here
    POLYNOMIAL_AUTOGRAD,
    pytest.param(POLYNOMIAL_CUSTOM_FUNCTION, marks=_SIN),
    pytest.param(POLYNOMIAL_NN, marks=_SIN_AND_LINEAR),
    pytest.param(POLYNOMIAL_OPTIM, marks=_SIN_AND_LINEAR),
    POLYNOMIAL_MODULE,
    pytest.param(DYNAMIC_NET, marks=_SIN)],
    ids=["numpy", "tensor", "autograd", "custom_function", "nn", "optim", "module", "dynamic_net"])
def test_learning_pytorch_with_examples(cells):
    assert_same_output(cells)


def test_examples_agree_when_sin_is_shared():
    """The same programs with y computed once by NumPy print PyTorch's digits exactly: every op but sin is
    bit-equal (linspace, pow, the cascade sums of loss and gradients, in-place updates, custom Function)."""
    share = """
    y = torch.from_numpy(np.sin(x.numpy().astype(np.float64)).astype(np.float32))
    """
    for cells in (POLYNOMIAL_TENSOR, POLYNOMIAL_AUTOGRAD, POLYNOMIAL_CUSTOM_FUNCTION, POLYNOMIAL_MODULE, DYNAMIC_NET):
        patched = [c.replace("y = torch.sin(x)", share.strip()) for c in cells]
        assert any("np.sin" in c for c in patched)
        assert_same_output(patched)
