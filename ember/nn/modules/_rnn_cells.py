"""One time step of each recurrence, composed from ``F.linear`` and elementwise ops.

PyTorch runs these as fused kernels (``_VF.lstm_cell`` ...); ember composes them from differentiable
primitives, so their gradients come from the primitives' rules. Gate order is PyTorch's:
LSTM (input, forget, cell, output), GRU (reset, update, new).
"""
from .. import functional as F

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


def rnn_tanh_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """Return h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return F.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_relu_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """Return h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return F.relu(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def lstm_cell(x, state, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None):
    """Return ``(h', c')`` of one LSTM step; ``w_hr`` projects h' when given (``proj_size``)."""
    h, c = state
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c_next = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
    h_next = F.sigmoid(o) * F.tanh(c_next)
    if w_hr is not None:
        h_next = F.linear(h_next, w_hr)
    return h_next, c_next


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """Return h' = (1 - z) * n + z * h of one GRU step."""
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = F.sigmoid(i_r + h_r)
    z = F.sigmoid(i_z + h_z)
    n = F.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
