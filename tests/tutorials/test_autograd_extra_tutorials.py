"""PyTorch's intermediate autograd tutorials cell by cell under ember: "Double Backward with Custom
Functions" (custom_function_double_backward_tutorial), "Fusing Convolution and Batch Norm using Custom
Function" (custom_function_conv_bn_tutorial) and "Forward-mode Automatic Differentiation"
(forward_ad_usage). beginner_source/examples_autograd is covered by test_examples_tutorials.py.

Adaptations, each because the original needs something outside torch: torchviz's ``make_dot`` is replaced
by printing the tensors and grad_fns it would draw; the conv-bn training loop runs on a few random
MNIST-shaped batches instead of torchvision's MNIST (no download), without CUDA memory statistics; the
forward-AD tutorial's functorch / ``torch.func`` sections (functional_call, ft.jvp,
make_functional_with_buffers) are left out: ember has no torch.func."""
import pytest

pytest.importorskip("torch")

from ._runner import assert_same_output  # noqa: E402

DOUBLE_BACKWARD = [
    """
    import torch

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            # Because we are saving one of the inputs use `save_for_backward`
            # Save non-tensors and non-inputs/non-outputs directly on ctx
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, grad_out):
            # A function support double backward automatically if autograd
            # is able to record the computations performed in backward
            x, = ctx.saved_tensors
            return grad_out * 2 * x

    # Use double precision because finite differencing method magnifies errors
    x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
    torch.autograd.gradcheck(Square.apply, x)
    """,
    """
    # Use gradcheck to verify second-order derivatives
    torch.autograd.gradgradcheck(Square.apply, x)
    """,
    # torchviz.make_dot((grad_x, x, out), ...) draws these; we print them instead
    """
    x = torch.tensor(1., requires_grad=True).clone()
    out = Square.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    print(grad_x, x, out)
    print(grad_x.grad_fn, grad_x.grad_fn.next_functions)
    print(out.grad_fn, out.grad_fn.next_functions)
    """,
    """
    class Exp(torch.autograd.Function):
        # Simple case where everything goes well
        @staticmethod
        def forward(ctx, x):
            # This time we save the output
            result = torch.exp(x)
            # Note that we should use `save_for_backward` here when
            # the tensor saved is an ouptut (or an input).
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_out):
            result, = ctx.saved_tensors
            return result * grad_out

    x = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
    # Validate our gradients using gradcheck
    torch.autograd.gradcheck(Exp.apply, x)
    """,
    """
    torch.autograd.gradgradcheck(Exp.apply, x)
    """,
    """
    out = Exp.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    print(grad_x, x, out)
    print(grad_x.grad_fn, grad_x.grad_fn.next_functions)
    """,
    """
    class Sinh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            expx = torch.exp(x)
            expnegx = torch.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            # In order to be able to save the intermediate results, a trick is to
            # include them as our outputs, so that the backward graph is constructed
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
            expx, expnegx = ctx.saved_tensors
            grad_input = grad_out * (expx + expnegx) / 2
            # We cannot skip accumulating these even though we won't use the outputs
            # directly. They will be used later in the second backward.
            grad_input += _grad_out_exp * expx
            grad_input -= _grad_out_negexp * expnegx
            return grad_input

    def sinh(x):
        # Create a wrapper that only returns the first output
        return Sinh.apply(x)[0]

    x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
    torch.autograd.gradcheck(sinh, x)
    """,
    """
    torch.autograd.gradgradcheck(sinh, x)
    """,
    """
    out = sinh(x)
    grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
    print(grad_x, x, out, sep="\\n")
    print(grad_x.grad_fn, out.grad_fn)
    """,
    """
    class Sinh(torch.autograd.Function):
        # This is an example of what NOT to do!
        @staticmethod
        def forward(ctx, x):
            expx = torch.exp(x)
            expnegx = torch.exp(-x)
            ctx.expx = expx
            ctx.expnegx = expnegx
            return (expx - expnegx) / 2

        @staticmethod
        def backward(ctx, grad_out):
            expx = ctx.expx
            expnegx = ctx.expnegx
            grad_input = grad_out * (expx + expnegx) / 2
            return grad_input

    out = Sinh.apply(x)
    grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
    print(grad_x, out, sep="\\n")
    # grad_x has no backward graph: it is purely a function of expx and expnegx
    print(grad_x.requires_grad, grad_x.grad_fn)
    """,
    """
    def cube_forward(x):
        return x**3

    def cube_backward(grad_out, x):
        return grad_out * 3 * x**2

    def cube_backward_backward(grad_out, sav_grad_out, x):
        return grad_out * sav_grad_out * 6 * x

    def cube_backward_backward_grad_out(grad_out, x):
        return grad_out * 3 * x**2

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return cube_forward(x)

        @staticmethod
        def backward(ctx, grad_out):
            x, = ctx.saved_tensors
            return CubeBackward.apply(grad_out, x)

    class CubeBackward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, grad_out, x):
            ctx.save_for_backward(x, grad_out)
            return cube_backward(grad_out, x)

        @staticmethod
        def backward(ctx, grad_out):
            x, sav_grad_out = ctx.saved_tensors
            dx = cube_backward_backward(grad_out, sav_grad_out, x)
            dgrad_out = cube_backward_backward_grad_out(grad_out, x)
            return dgrad_out, dx

    x = torch.tensor(2., requires_grad=True, dtype=torch.double)

    torch.autograd.gradcheck(Cube.apply, x)
    """,
    """
    torch.autograd.gradgradcheck(Cube.apply, x)
    """,
    """
    out = Cube.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    print(grad_x, x, out)
    print(grad_x.grad_fn, grad_x.grad_fn.next_functions)
    print(out.grad_fn, out.grad_fn.next_functions)
    """,
    "grad_x",
    "torch.autograd.grad(grad_x, x)",
]

CONV_BN = [
    """
    import torch
    from torch.autograd.function import once_differentiable
    import torch.nn.functional as F

    def convolution_backward(grad_out, X, weight):
        grad_input = F.conv2d(X.transpose(0, 1), grad_out.transpose(0, 1)).transpose(0, 1)
        grad_X = F.conv_transpose2d(grad_out, weight)
        return grad_X, grad_input

    class Conv2D(torch.autograd.Function):
        @staticmethod
        def forward(ctx, X, weight):
            ctx.save_for_backward(X, weight)
            return F.conv2d(X, weight)

        # Use @once_differentiable by default unless we intend to double
        # backward
        @staticmethod
        @once_differentiable
        def backward(ctx, grad_out):
            X, weight = ctx.saved_tensors
            return convolution_backward(grad_out, X, weight)
    """,
    """
    weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
    X = torch.rand(10, 3, 7, 7, requires_grad=True, dtype=torch.double)
    torch.autograd.gradcheck(Conv2D.apply, (X, weight))
    """,
    """
    def unsqueeze_all(t):
        # Helper function to unsqueeze all the dimensions that we reduce over
        return t[None, :, None, None]

    def batch_norm_backward(grad_out, X, sum, sqrt_var, N, eps):
        tmp = -((X - unsqueeze_all(sum) / N) * grad_out).sum(dim=(0, 2, 3))
        d_denom = tmp / (sqrt_var + eps)**2  # d_denom = -num / denom**2
        d_var = d_denom / (2 * sqrt_var)  # denom = torch.sqrt(var) + eps
        # Compute d_mean_dx before allocating the final NCHW-sized grad_input buffer
        d_mean_dx = grad_out / unsqueeze_all(sqrt_var + eps)
        d_mean_dx = unsqueeze_all(-d_mean_dx.sum(dim=(0, 2, 3)) / N)
        # d_mean_dx has already been reassigned to a C-sized buffer so no need to worry

        # (1) unbiased_var(x) = ((X - unsqueeze_all(mean))**2).sum(dim=(0, 2, 3)) / (N - 1)
        grad_input = X * unsqueeze_all(d_var * N)
        grad_input += unsqueeze_all(-d_var * sum)
        grad_input *= 2 / ((N - 1) * N)
        # (2) mean (see above)
        grad_input += d_mean_dx
        # (3) Add 'grad_out / <factor>' without allocating an extra buffer
        grad_input *= unsqueeze_all(sqrt_var + eps)
        grad_input += grad_out
        grad_input /= unsqueeze_all(sqrt_var + eps)  # sqrt_var + eps > 0!
        return grad_input

    class BatchNorm(torch.autograd.Function):
        @staticmethod
        def forward(ctx, X, eps=1e-3):
            # Don't save keepdim'd values for backward
            sum = X.sum(dim=(0, 2, 3))
            var = X.var(unbiased=True, dim=(0, 2, 3))
            N = X.numel() / X.size(1)
            sqrt_var = torch.sqrt(var)
            ctx.save_for_backward(X)
            ctx.eps = eps
            ctx.sum = sum
            ctx.N = N
            ctx.sqrt_var = sqrt_var
            mean = sum / N
            denom = sqrt_var + eps
            return (X - unsqueeze_all(mean)) / unsqueeze_all(denom)

        @staticmethod
        @once_differentiable
        def backward(ctx, grad_out):
            X, = ctx.saved_tensors
            return batch_norm_backward(grad_out, X, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)
    """,
    """
    a = torch.rand(1, 2, 3, 4, requires_grad=True, dtype=torch.double)
    torch.autograd.gradcheck(BatchNorm.apply, (a,), fast_mode=False)
    """,
    """
    class FusedConvBN2DFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, X, conv_weight, eps=1e-3):
            assert X.ndim == 4  # N, C, H, W
            # (1) Only need to save this single buffer for backward!
            ctx.save_for_backward(X, conv_weight)

            # (2) Exact same Conv2D forward from example above
            X = F.conv2d(X, conv_weight)
            # (3) Exact same BatchNorm2D forward from example above
            sum = X.sum(dim=(0, 2, 3))
            var = X.var(unbiased=True, dim=(0, 2, 3))
            N = X.numel() / X.size(1)
            sqrt_var = torch.sqrt(var)
            ctx.eps = eps
            ctx.sum = sum
            ctx.N = N
            ctx.sqrt_var = sqrt_var
            mean = sum / N
            denom = sqrt_var + eps
            # Try to do as many things in-place as possible
            # Instead of `out = (X - a) / b`, doing `out = X - a; out /= b`
            # avoids allocating one extra NCHW-sized buffer here
            out = X - unsqueeze_all(mean)
            out /= unsqueeze_all(denom)
            return out

        @staticmethod
        def backward(ctx, grad_out):
            X, conv_weight, = ctx.saved_tensors
            # (4) Batch norm backward
            # (5) We need to recompute conv
            X_conv_out = F.conv2d(X, conv_weight)
            grad_out = batch_norm_backward(grad_out, X_conv_out, ctx.sum, ctx.sqrt_var,
                                           ctx.N, ctx.eps)
            # (6) Conv2d backward
            grad_X, grad_input = convolution_backward(grad_out, X, conv_weight)
            return grad_X, grad_input, None, None, None, None, None
    """,
    """
    import torch.nn as nn
    import math

    class FusedConvBN(nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, exp_avg_factor=0.1,
                     eps=1e-3, device=None, dtype=None):
            super(FusedConvBN, self).__init__()
            factory_kwargs = {'device': device, 'dtype': dtype}
            # Conv parameters
            weight_shape = (out_channels, in_channels, kernel_size, kernel_size)
            self.conv_weight = nn.Parameter(torch.empty(*weight_shape, **factory_kwargs))
            # Batch norm parameters
            num_features = out_channels
            self.num_features = num_features
            self.eps = eps
            # Initialize
            self.reset_parameters()

        def forward(self, X):
            return FusedConvBN2DFunction.apply(X, self.conv_weight, self.eps)

        def reset_parameters(self) -> None:
            nn.init.kaiming_uniform_(self.conv_weight, a=math.sqrt(5))
    """,
    """
    weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
    X = torch.rand(2, 3, 4, 4, requires_grad=True, dtype=torch.double)
    torch.autograd.gradcheck(FusedConvBN2DFunction.apply, (X, weight))
    """,
    # a double-precision FusedConvBN layer against its unfused counterpart
    """
    torch.manual_seed(0)
    layer = FusedConvBN(2, 3, 3, dtype=torch.double)
    inp = torch.randn(4, 2, 6, 6, dtype=torch.double, requires_grad=True)
    out = layer(inp)
    # (a plain out.sum() has zero gradient through batch norm, up to rounding)
    (out * torch.randn_like(out)).sum().backward()
    print(out.grad_fn)
    print(out[0, 0])
    print(inp.grad[0, 0])
    print(layer.conv_weight.grad[0, 0])
    """,
    """
    import torch.optim as optim
    from torch.optim.lr_scheduler import StepLR

    class Net(nn.Module):
        def __init__(self, fused=True):
            super(Net, self).__init__()
            self.fused = fused
            if fused:
                self.convbn1 = FusedConvBN(1, 32, 3)
                self.convbn2 = FusedConvBN(32, 64, 3)
            else:
                self.conv1 = nn.Conv2d(1, 32, 3, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(32, affine=False, track_running_stats=False)
                self.conv2 = nn.Conv2d(32, 64, 3, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(64, affine=False, track_running_stats=False)
            self.fc1 = nn.Linear(9216, 128)
            self.dropout = nn.Dropout(0.5)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            if self.fused:
                x = self.convbn1(x)
            else:
                x = self.conv1(x)
                x = self.bn1(x)
            x = F.relu(x)
            if self.fused:
                x = self.convbn2(x)
            else:
                x = self.conv2(x)
                x = self.bn2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = F.relu(x)
            x = x.flatten(1)
            x = self.fc1(x)
            x = self.dropout(x)
            x = F.relu(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    def train(model, device, train_loader, optimizer, epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            if batch_idx % 2 == 0:
                print('Train Epoch: {} [{}/{} ({:.0f}%)]\\tLoss: {:.4f}'.format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader), loss.item()))

    def test(model, device, test_loader):
        model.eval()
        test_loss = 0
        correct = 0
        # Use inference mode instead of no_grad, for free improved test-time performance
        with torch.inference_mode():
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)
                # sum up batch loss
                test_loss += F.nll_loss(output, target, reduction='sum').item()
                # get the index of the max log-probability
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()

        test_loss /= len(test_loader.dataset)

        print('\\nTest set: Average loss: {:.2f}, Accuracy: {}/{} ({:.0f}%)\\n'.format(
            test_loss, correct, len(test_loader.dataset),
            100. * correct / len(test_loader.dataset)))
    """,
    # random MNIST-shaped data in place of torchvision's MNIST
    """
    use_cuda = torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")
    train_kwargs = {'batch_size': 8}
    test_kwargs = {'batch_size': 8}

    torch.manual_seed(1)
    dataset1 = torch.utils.data.TensorDataset(torch.randn(24, 1, 28, 28), torch.randint(0, 10, (24,)))
    dataset2 = torch.utils.data.TensorDataset(torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,)))
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = torch.utils.data.DataLoader(dataset2, **test_kwargs)
    """,
    """
    for fused in (True, False):
        torch.manual_seed(123456)

        model = Net(fused=fused).to(device)
        optimizer = optim.Adadelta(model.parameters(), lr=1.0)
        scheduler = StepLR(optimizer, step_size=1, gamma=0.7)

        for epoch in range(2):
            train(model, device, train_loader, optimizer, epoch)
            test(model, device, test_loader)
            scheduler.step()
    """,
]

FORWARD_AD = [
    """
    import torch
    import torch.autograd.forward_ad as fwAD

    primal = torch.randn(10, 10)
    tangent = torch.randn(10, 10)

    def fn(x, y):
        return x ** 2 + y ** 2

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual_input).tangent is tangent

        # To demonstrate the case where the copy of the tangent happens,
        # we pass in a tangent with a layout different from that of the primal
        dual_input_alt = fwAD.make_dual(primal, tangent.T)
        assert fwAD.unpack_dual(dual_input_alt).tangent is not tangent

        # Tensors that do not have an associated tangent are automatically
        # considered to have a zero-filled tangent of the same shape.
        plain_tensor = torch.randn(10, 10)
        dual_output = fn(dual_input, plain_tensor)

        # Unpacking the dual returns a namedtuple with ``primal`` and ``tangent``
        # as attributes
        jvp = fwAD.unpack_dual(dual_output).tangent

    assert fwAD.unpack_dual(dual_output).tangent is None
    """,
    "jvp",
    "torch.allclose(jvp, 2 * primal * tangent)",
    """
    import torch.nn as nn

    model = nn.Linear(5, 5)
    input = torch.randn(16, 5)

    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: torch.rand_like(p) for name, p in params.items()}

    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))

        out = model(input)
        jvp = fwAD.unpack_dual(out).tangent
    """,
    # values only: PyTorch's tangent here carries a grad_fn (AddBackward0, from addmm's forward formula over
    # parameters that require grad), ember's (a double-vjp result) does not
    "jvp.detach()",
    # (the tutorial's "functional Module API" section uses torch.func.functional_call: left out)
    """
    class Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, foo):
            result = torch.exp(foo)
            # Tensors stored in ctx can be used in the subsequent forward grad
            # computation.
            ctx.result = result
            return result

        @staticmethod
        def jvp(ctx, gI):
            gO = gI * ctx.result
            # If the tensor stored in ctx will not also be used in the backward pass,
            # one can manually free it using ``del``
            del ctx.result
            return gO

    fn = Fn.apply

    primal = torch.randn(10, 10, dtype=torch.double, requires_grad=True)
    tangent = torch.randn(10, 10)

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        dual_output = fn(dual_input)
        jvp = fwAD.unpack_dual(dual_output).tangent
    """,
    "jvp[:2]",
    """
    torch.autograd.gradcheck(Fn.apply, (primal,), check_forward_ad=True,
                             check_backward_ad=False, check_undefined_grad=False,
                             check_batched_grad=False)
    """,
    # (the rest of the tutorial uses functorch.jvp and make_functional_with_buffers: left out)
]


# Cells beyond the tutorials, on the custom-Function and forward-AD API they use: dual_level's index,
# unpack_dual's named tuple inside and after a level, setup_context with a jvp, mark_non_differentiable,
# set_materialize_grads(False), once_differentiable under double backward and gradcheck's failure reports.
API_CELLS = [
    """
    import torch.autograd.forward_ad as fwAD
    x = torch.tensor([1., 2., 3.])
    t = torch.tensor([0.5, 0.5, 1.])
    with fwAD.dual_level() as lvl:
        print(lvl)
        d = fwAD.make_dual(x, t)
        u = fwAD.unpack_dual(d.sin() * 2)
        print(type(u).__name__, u._fields)
        print(u.tangent)
        print(u.primal)
        p, tt = fwAD.unpack_dual(d)
        print(tt is t, p)
    print(fwAD.unpack_dual(d))
    """,
    """
    class MulConst(torch.autograd.Function):
        @staticmethod
        def forward(x, c):
            return x * c
        @staticmethod
        def setup_context(ctx, inputs, output):
            x, c = inputs
            ctx.c = c
        @staticmethod
        def backward(ctx, g):
            return g * ctx.c, None
        @staticmethod
        def jvp(ctx, gx, gc):
            return gx * ctx.c

    a = torch.tensor([1., 2.], requires_grad=True)
    y = MulConst.apply(a, 3.0)
    y.sum().backward()
    print(y, a.grad)
    with fwAD.dual_level():
        d = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
        print(fwAD.unpack_dual(MulConst.apply(d, 3.0)).tangent)
    """,
    """
    class Sort(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            v, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, i)
            return v, i
        @staticmethod
        def backward(ctx, gv, gi):
            x, i = ctx.saved_tensors
            g = torch.zeros_like(x)
            g.index_add_(0, i, gv)
            return g
    x = torch.tensor([3., 1., 2.], requires_grad=True)
    v, i = Sort.apply(x)
    print(v, i, i.requires_grad)
    (v * torch.tensor([1., 2., 3.])).sum().backward()
    print(x.grad)
    """,
    """
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x.clone(), x.clone()
        @staticmethod
        def backward(ctx, g1, g2):
            print("g1", g1, "g2", g2)
            return g1 if g2 is None else g1 + g2
    x = torch.tensor([1., 2.], requires_grad=True)
    a, b = Two.apply(x)
    a.sum().backward()
    print(x.grad)
    """,
    """
    from torch.autograd.function import once_differentiable
    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2
        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g
    x = torch.tensor([1., 2.], requires_grad=True, dtype=torch.double)
    print(torch.autograd.gradcheck(Sq.apply, x))
    gx, = torch.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    print(gx)
    try:
        gx.sum().backward()
    except RuntimeError as e:
        print(e)
    try:
        torch.autograd.gradgradcheck(Sq.apply, x)
    except RuntimeError as e:
        print(type(e).__name__, e)
    """,
    """
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2
        @staticmethod
        def backward(ctx, g):
            return g * 2.1
    x = torch.tensor([1., 2.], requires_grad=True, dtype=torch.double)
    print(torch.autograd.gradcheck(Bad.apply, x, raise_exception=False))
    try:
        torch.autograd.gradcheck(Bad.apply, x)
    except Exception as e:
        print(type(e).__name__, e)
    try:
        torch.autograd.gradcheck(Bad.apply, x, fast_mode=True)
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])
    """,
]
FUNCTION_API = API_CELLS[:4]
GRADCHECK_FAILURES = API_CELLS[4:]


@pytest.mark.parametrize("cells", [DOUBLE_BACKWARD, CONV_BN, FORWARD_AD, FUNCTION_API],
                         ids=["double_backward", "conv_bn", "forward_ad", "function_api"])
def test_intermediate_autograd_tutorials(cells):
    assert_same_output(cells)


def test_gradcheck_failure_reports():
    assert_same_output(GRADCHECK_FAILURES)
