"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step cells, with PyTorch's parameter names."""
import math
import numbers
import warnings

from ..._creation import zeros
from ..._creation import empty
from ..._dtype import float32
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ._rnn_cells import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_CELLS = {"LSTM": lstm_cell, "GRU": gru_cell, "RNN_TANH": rnn_tanh_cell, "RNN_RELU": rnn_relu_cell}


def _check_sizes(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size):
    if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                         "being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                      f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=3)
    if not isinstance(bias, bool):
        raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
    if not isinstance(input_size, int):
        raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


_LAYER_NODES = {}


def _name_as_rnn_layer(out):
    """Give a layer's output node the name PyTorch's CPU LSTM records (``MkldnnRnnLayerBackward0``).

    PyTorch runs a float32 LSTM layer (no projection) through oneDNN, one fused node per layer and
    direction; ember composes the layer from cell steps joined by ``stack``, so the joining node
    takes that name (a subclass of the stack node: same backward, PyTorch's repr and ``name()``).
    """
    node = out.grad_fn
    if node is None:
        return
    base = type(node)
    cls = _LAYER_NODES.get(base)
    if cls is None:
        cls = _LAYER_NODES[base] = type("MkldnnRnnLayerBackward0", (base,),
                                        {"__slots__": (), "node_name": "MkldnnRnnLayerBackward0",
                                         "__module__": base.__module__})
    node.__class__ = cls


def _stack(tensors):
    from ... import stack
    return stack(tensors, 0)


class RNNBase(Module):
    """Parameters, checks and the layer/direction/time loops shared by ``RNN``, ``LSTM`` and ``GRU``."""

    _names_layer_node = False  # only LSTM's layer outputs carry PyTorch's oneDNN node name
    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        _check_sizes(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._flat_weights_names = []
        self._all_weights = []
        self._make_parameters(_GATES[mode] * hidden_size, device, dtype)
        self.reset_parameters()

    def _make_parameters(self, gate_size, device, dtype):
        num_directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        for layer in range(self.num_layers):
            for direction in range(num_directions):
                layer_input = self.input_size if layer == 0 else real_hidden * num_directions
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input)), ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if self.bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if self.proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (self.proj_size, self.hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n, _ in shapes]
                for name, (_, shape) in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters grouped per layer and direction, as PyTorch's ``all_weights``."""
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    def flatten_parameters(self):
        """No-op (PyTorch uses it to pack weights for cuDNN)."""

    def reset_parameters(self):
        """Re-draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ----------------------------------------------------------------- checks
    def check_input(self, input):
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")

    def get_expected_hidden_size(self, input):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    @staticmethod
    def check_hidden_size(hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def _prepare(self, input, hx, name):
        """Check dimensions; return (batched input, hx with a batch dim or None, is_batched)."""
        if input.dim() not in (2, 3):
            # PyTorch's RNN says "2D tensor", its LSTM and GRU say "2D"
            kind = "D tensor" if name == "RNN" else "D"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}{kind} instead")
        is_batched = input.dim() == 3
        if not is_batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if hx is None:
            return input, hx, is_batched
        want = 3 if is_batched else 2
        what = "batched 3-D" if is_batched else "unbatched 2-D"
        if name == "LSTM":
            if hx[0].dim() != want or hx[1].dim() != want:
                raise RuntimeError(f"For {what} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        else:
            if hx.dim() != want:
                raise RuntimeError(f"For {what} input, hx should also be {want}-D but got {hx.dim()}-D tensor")
            if not is_batched:
                hx = hx.unsqueeze(1)
        return input, hx, is_batched

    # ----------------------------------------------------------------- the recurrence
    def _layer_weights(self, layer, direction):
        return [getattr(self, name) for name in self._all_weights[layer * (2 if self.bidirectional else 1)
                                                                    + direction]]

    def _run(self, input, states, cell_step):
        """Run every layer and direction over time; ``states[k]`` is the initial state of stream k.

        Returns the last layer's output (T, N, D * H) and the final state of every stream.
        """
        from ... import cat, stack  # the public joins (bound in ember/__init__, after this package loads)
        num_directions = 2 if self.bidirectional else 1
        finals = []
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                weights = self._layer_weights(layer, direction)
                steps = range(layer_input.size(0) - 1, -1, -1) if direction else range(layer_input.size(0))
                state = states[k]
                seq = [None] * layer_input.size(0)
                for t in steps:
                    state = cell_step(layer_input[t], state, weights)
                    seq[t] = state[0] if isinstance(state, tuple) else state
                finals.append(state)
                out = stack(seq, 0)
                if self._names_layer_node and out.dtype == float32:
                    _name_as_rnn_layer(out)
                outputs.append(out)
            layer_input = outputs[0] if num_directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, finals

    def _finish(self, output, is_batched):
        if self.batch_first:
            output = output.transpose(0, 1)
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
        return output


class RNN(RNNBase):
    """A multi-layer Elman RNN with tanh or ReLU non-linearity; returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        input, hx, is_batched = self._prepare(input, hx, "RNN")
        if input.dim() == 3 and hx is None:
            hx = zeros(self.get_expected_hidden_size(input), dtype=input.dtype)
        self.check_input(input)
        self.check_hidden_size(hx, self.get_expected_hidden_size(input))
        x = input.transpose(0, 1) if self.batch_first else input
        cell = _CELLS[self.mode]
        output, finals = self._run(x, list(hx.unbind(0)), lambda xt, h, w: cell(xt, h, *w))
        h_n = _stack(finals)
        return self._finish(output, is_batched), (h_n if is_batched else h_n.squeeze(1))


class GRU(RNNBase):
    """A multi-layer gated recurrent unit RNN; returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        input, hx, is_batched = self._prepare(input, hx, "GRU")
        if hx is None:
            hx = zeros(self.get_expected_hidden_size(input), dtype=input.dtype)
        self.check_input(input)
        self.check_hidden_size(hx, self.get_expected_hidden_size(input))
        x = input.transpose(0, 1) if self.batch_first else input
        output, finals = self._run(x, list(hx.unbind(0)), lambda xt, h, w: gru_cell(xt, h, *w))
        h_n = _stack(finals)
        return self._finish(output, is_batched), (h_n if is_batched else h_n.squeeze(1))


class LSTM(RNNBase):
    """A multi-layer long short-term memory RNN; returns ``(output, (h_n, c_n))``."""

    @property
    def _names_layer_node(self):
        # PyTorch's oneDNN path, whose node names the layer output, does not take projections
        return self.proj_size == 0

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def forward(self, input, hx=None):
        input, hx, is_batched = self._prepare(input, hx, "LSTM")
        if hx is None:
            hx = (zeros(self.get_expected_hidden_size(input), dtype=input.dtype),
                  zeros(self.get_expected_cell_size(input), dtype=input.dtype))
        self.check_input(input)
        self.check_hidden_size(hx[0], self.get_expected_hidden_size(input), "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hx[1], self.get_expected_cell_size(input), "Expected hidden[1] size {}, got {}")
        x = input.transpose(0, 1) if self.batch_first else input
        states = list(zip(hx[0].unbind(0), hx[1].unbind(0)))
        w = self._lstm_weights
        output, finals = self._run(x, states, lambda xt, s, ws: lstm_cell(xt, s, *w(ws)))
        h_n = _stack([h for h, _ in finals])
        c_n = _stack([c for _, c in finals])
        if not is_batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(output, is_batched), (h_n, c_n)

    def _lstm_weights(self, ws):
        # (w_ih, w_hh[, b_ih, b_hh][, w_hr]) -> lstm_cell's positional (w_ih, w_hh, b_ih, b_hh, w_hr)
        w_ih, w_hh = ws[0], ws[1]
        b_ih, b_hh = (ws[2], ws[3]) if self.bias else (None, None)
        w_hr = ws[-1] if self.proj_size > 0 else None
        return w_ih, w_hh, b_ih, b_hh, w_hr


from ._rnn_cell_modules import GRUCell, LSTMCell, RNNCell, RNNCellBase  # noqa: E402
