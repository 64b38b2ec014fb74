"""PyTorch's documentation notes "Modules", "Serialization semantics" and "Extending PyTorch", as cells.

The code follows the notes' snippets (pytorch/pytorch docs/source/notes/modules.rst,
serialization.rst and extending.rst, their Python parts). CUDA moves are left out (CPU only);
where a snippet only runs, a print of what it computed is added so the run is compared. Files
are written in a temporary directory.
"""
import pytest

pytest.importorskip("torch")

from ._nn_runner import assert_same_output  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


MODULES = [
    """
    import torch
    from torch import nn

    class MyLinear(nn.Module):
      def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features))
        self.bias = nn.Parameter(torch.randn(out_features))

      def forward(self, input):
        return (input @ self.weight) + self.bias
    """,
    """
    m = MyLinear(4, 3)
    sample_input = torch.randn(4)
    m(sample_input)
    """,
    """
    for parameter in m.named_parameters():
      print(parameter)
    """,
    """
    net = nn.Sequential(
      MyLinear(4, 3),
      nn.ReLU(),
      MyLinear(3, 1)
    )

    sample_input = torch.randn(4)
    net(sample_input)
    """,
    """
    import torch.nn.functional as F

    class Net(nn.Module):
      def __init__(self):
        super().__init__()
        self.l0 = MyLinear(4, 3)
        self.l1 = MyLinear(3, 1)
      def forward(self, x):
        x = self.l0(x)
        x = F.relu(x)
        x = self.l1(x)
        return x
    """,
    """
    net = Net()
    for child in net.named_children():
      print(child)
    """,
    """
    class BigNet(nn.Module):
      def __init__(self):
        super().__init__()
        self.l1 = MyLinear(5, 4)
        self.net = Net()
      def forward(self, x):
        return self.net(self.l1(x))

    big_net = BigNet()
    for module in big_net.named_modules():
      print(module)
    """,
    """
    class DynamicNet(nn.Module):
      def __init__(self, num_layers):
        super().__init__()
        self.linears = nn.ModuleList(
          [MyLinear(4, 4) for _ in range(num_layers)])
        self.activations = nn.ModuleDict({
          'relu': nn.ReLU(),
          'lrelu': nn.LeakyReLU()
        })
        self.final = MyLinear(4, 1)
      def forward(self, x, act):
        for linear in self.linears:
          x = linear(x)
        x = self.activations[act](x)
        x = self.final(x)
        return x

    dynamic_net = DynamicNet(3)
    sample_input = torch.randn(4)
    output = dynamic_net(sample_input, 'relu')
    print(output)
    print(dynamic_net)
    """,
    """
    for parameter in dynamic_net.named_parameters():
      print(parameter)
    """,
    """
    # Change precision of all parameters (the note's CUDA move is left out)
    dynamic_net.to(dtype=torch.float64)

    dynamic_net(torch.randn(5, dtype=torch.float64)[:4], 'relu')
    """,
    """
    @torch.no_grad()
    def init_weights(m):
      if isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight)
        m.bias.fill_(0.0)

    # Apply the function recursively on the module and its submodules.
    dynamic_net.apply(init_weights)
    """,
    """
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    seq.apply(init_weights)
    print(seq[0].bias, seq[2].bias)
    """,
    """
    # Create the network (from previous section) and optimizer
    net = Net()
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)

    # Run a sample training loop that "teaches" the network
    # to output the constant zero function (fewer steps than the note's 10000)
    for _ in range(200):
      input = torch.randn(4)
      output = net(input)
      loss = torch.abs(output)
      net.zero_grad()
      loss.backward()
      optimizer.step()

    net.eval()
    """,
    """
    print(net.l1.weight)
    """,
    """
    class ModalModule(nn.Module):
      def __init__(self):
        super().__init__()

      def forward(self, x):
        if self.training:
          # Add a constant only in training mode.
          return x + 1.
        else:
          return x


    m = ModalModule()
    x = torch.randn(4)

    print('training mode output: {}'.format(m(x)))

    m.eval()
    print('evaluation mode output: {}'.format(m(x)))
    """,
    """
    # Save the module
    torch.save(net.state_dict(), 'net.pt')

    # Load the module later on
    new_net = Net()
    new_net.load_state_dict(torch.load('net.pt'))
    """,
    """
    class RunningMean(nn.Module):
      def __init__(self, num_features, momentum=0.9):
        super().__init__()
        self.momentum = momentum
        self.register_buffer('mean', torch.zeros(num_features))
      def forward(self, x):
        self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
        return self.mean
    """,
    """
    m = RunningMean(4)
    for _ in range(10):
      input = torch.randn(4)
      m(input)

    print(m.state_dict())

    # Serialized form will contain the 'mean' tensor
    torch.save(m.state_dict(), 'mean.pt')

    m_loaded = RunningMean(4)
    m_loaded.load_state_dict(torch.load('mean.pt'))
    assert(torch.all(m.mean == m_loaded.mean))
    """,
    """
    m.register_buffer('unserialized_thing', torch.randn(5), persistent=False)
    # Moves all module parameters and buffers to the specified dtype (no CUDA here)
    m.to(dtype=torch.float64)
    for buffer in m.named_buffers():
      print(buffer)
    print(m.state_dict())
    """,
    """
    class StatefulModule(nn.Module):
      def __init__(self):
        super().__init__()
        self.param1 = nn.Parameter(torch.randn(2))
        self.register_parameter('param2', nn.Parameter(torch.randn(3)))
        self.register_parameter('param3', None)
        self.param_list = nn.ParameterList([nn.Parameter(torch.randn(2)) for i in range(3)])
        self.param_dict = nn.ParameterDict({
          'foo': nn.Parameter(torch.randn(3)),
          'bar': nn.Parameter(torch.randn(4))
        })
        self.register_buffer('buffer1', torch.randn(4), persistent=True)
        self.register_buffer('buffer2', torch.randn(5), persistent=False)
        self.register_buffer('buffer3', None)
        self.linear = nn.Linear(2, 3)

    m = StatefulModule()

    # Save and load state_dict.
    torch.save(m.state_dict(), 'state.pt')
    m_loaded = StatefulModule()
    m_loaded.load_state_dict(torch.load('state.pt'))

    print(m_loaded.state_dict())
    print(m_loaded)
    print(list(m_loaded.named_buffers()))
    print([name for name, _ in m_loaded.named_parameters()])
    """,
    """
    m = nn.Linear(5, 3, dtype=torch.half)
    print(m.weight.dtype, m.bias.dtype)
    m = torch.nn.utils.skip_init(nn.Linear, 5, 3)
    nn.init.orthogonal_(m.weight)
    print(m.weight.shape, torch.allclose(m.weight @ m.weight.T, torch.eye(3), atol=1e-5))
    m = nn.BatchNorm2d(3, dtype=torch.half)
    print(m.running_mean)
    """,
    """
    torch.manual_seed(1)

    def forward_pre_hook(m, inputs):
      input = inputs[0]
      return input + 1.

    def forward_hook(m, inputs, output):
      return output + inputs[0]

    def backward_hook(m, grad_inputs, grad_outputs):
      new_grad_inputs = [torch.ones_like(gi) * 42. for gi in grad_inputs]
      return new_grad_inputs

    # Create sample module & input.
    m = nn.Linear(3, 3)
    x = torch.randn(2, 3, requires_grad=True)

    print('output with no forward hooks: {}'.format(m(x)))

    forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
    print('output with forward pre hook: {}'.format(m(x)))

    forward_hook_handle = m.register_forward_hook(forward_hook)
    print('output with both forward hooks: {}'.format(m(x)))

    forward_pre_hook_handle.remove()
    forward_hook_handle.remove()
    print('output after removing forward hooks: {}'.format(m(x)))

    m(x).sum().backward()
    print('x.grad with no backwards hook: {}'.format(x.grad))

    m.zero_grad()
    x.grad.zero_()

    m.register_full_backward_hook(backward_hook)
    m(x).sum().backward()
    print('x.grad with backwards hook: {}'.format(x.grad))
    """,
]


def test_modules_note():
    assert_same_output(MODULES, approx=True)


SERIALIZATION = [
    """
    t = torch.tensor([1., 2.])
    torch.save(t, 'tensor.pt')
    torch.load('tensor.pt')
    """,
    """
    d = {'a': torch.tensor([1., 2.]), 'b': torch.tensor([3., 4.])}
    torch.save(d, 'tensor_dict.pt')
    torch.load('tensor_dict.pt')
    """,
    """
    numbers = torch.arange(1, 10)
    evens = numbers[1::2]
    torch.save([numbers, evens], 'tensors.pt')
    loaded_numbers, loaded_evens = torch.load('tensors.pt')
    loaded_evens *= 2
    loaded_numbers
    """,
    """
    print(loaded_evens, loaded_evens.stride(), loaded_evens.storage_offset(), loaded_evens._base is None)
    loaded_numbers[0] = 100
    print(loaded_evens, loaded_numbers.storage().size(), loaded_evens.storage().size())
    """,
    """
    large = torch.arange(1, 1000)
    small = large[0:5]
    torch.save(small, 'small.pt')
    loaded_small = torch.load('small.pt')
    loaded_small.storage().size()
    """,
    """
    large = torch.arange(1, 1000)
    small = large[0:5]
    torch.save(small.clone(), 'small.pt')  # saves a clone of small
    loaded_small = torch.load('small.pt')
    loaded_small.storage().size()
    """,
    """
    tensor = torch.zeros(1000000)
    slice1 = tensor[:1000]
    slice2 = tensor[:10] # slice1 and slice2 share the same storage
    torch.save([slice1, slice2], 'share.pt')
    loaded_1, loaded_2 = torch.load('share.pt')
    print(loaded_1[0])
    print(loaded_2[0])
    loaded_2[0] = 1
    print(loaded_1[0])
    """,
    """
    bn = torch.nn.BatchNorm1d(3, track_running_stats=True)
    list(bn.named_parameters())
    """,
    """
    list(bn.named_buffers())
    """,
    """
    bn.state_dict()
    """,
    """
    torch.save(bn.state_dict(), 'bn.pt')
    bn_state_dict = torch.load('bn.pt')
    new_bn = torch.nn.BatchNorm1d(3, track_running_stats=True)
    new_bn.load_state_dict(bn_state_dict)
    """,
    """
    class MyModule(torch.nn.Module):
      def __init__(self):
        super().__init__()
        self.l0 = torch.nn.Linear(4, 2)
        self.l1 = torch.nn.Linear(2, 1)

      def forward(self, input):
        out0 = self.l0(input)
        out0_relu = torch.nn.functional.relu(out0)
        return self.l1(out0_relu)

    m = MyModule()
    m.state_dict()
    """,
    """
    torch.save(m.state_dict(), 'mymodule.pt')
    m_state_dict = torch.load('mymodule.pt')
    new_m = MyModule()
    new_m.load_state_dict(m_state_dict)
    """,
    """
    new_m.load_state_dict({k: v for k, v in m_state_dict.items() if k != 'l1.bias'}, strict=False)
    """,
]


def test_serialization_note():
    assert_same_output(SERIALIZATION)
