"""``F.multi_head_attention_forward``: PyTorch's reference (non fast-path) multi-head attention,
composed from differentiable ops, with its argument order, mask handling and shapes."""
import math

from .. import _dtype
from .._creation import zeros
from ..ops import linalg as _la
from ..ops import reduction as _red
from ..ops import shape as _shape
from ..ops.joining import cat
from ..ops.normalization import dropout, linear

__all__ = ["multi_head_attention_forward"]


def _float_mask(mask, like, name):
    """A boolean mask becomes an additive float mask (-inf where True), as PyTorch's _canonical_mask."""
    if mask is None:
        return None
    if mask.dtype is _dtype.bool:
        from ..ops.elementwise import masked_fill
        return masked_fill(zeros(mask.shape, dtype=like.dtype), mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _project(query, key, value, embed_dim, in_proj_weight, in_proj_bias, separate):
    if separate is None:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    else:
        w_q, w_k, w_v = separate
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = (in_proj_bias[:embed_dim], in_proj_bias[embed_dim:2 * embed_dim],
                             in_proj_bias[2 * embed_dim:])
    return linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)


def _pad_last(mask):
    if mask is None:
        return None
    return cat([mask, zeros(mask.shape[:-1] + (1,), dtype=mask.dtype)], dim=-1)


def _check_mask_shape(attn_mask, tgt_len, src_len, bsz, num_heads):
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                               f"{(tgt_len, src_len)}.")
        return _shape.unsqueeze(attn_mask, 0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                               f"{(bsz * num_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Return ``(attn_output, attn_output_weights)`` of multi-head attention over (L, N, E) inputs."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("static_k and static_v are not supported by ember")
    batched = query.dim() == 3
    if not batched:
        query, key, value = (_shape.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = _shape.unsqueeze(key_padding_mask, 0)
    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    key_padding_mask = _float_mask(key_padding_mask, query, "key_padding_mask")
    attn_mask = _float_mask(attn_mask, query, "attn_mask")
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else None
    q, k, v = _project(query, key, value, embed_dim, in_proj_weight, in_proj_bias, separate)
    if attn_mask is not None:
        attn_mask = _check_mask_shape(attn_mask, tgt_len, key.shape[0], bsz, num_heads)
    if bias_k is not None and bias_v is not None:
        k = cat([k, _shape.repeat(bias_k, 1, bsz, 1)])
        v = cat([v, _shape.repeat(bias_v, 1, bsz, 1)])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    q = _shape.transpose(_shape.view(q, tgt_len, bsz * num_heads, head_dim), 0, 1)
    k = _shape.transpose(_shape.view(k, k.shape[0], bsz * num_heads, head_dim), 0, 1)
    v = _shape.transpose(_shape.view(v, v.shape[0], bsz * num_heads, head_dim), 0, 1)
    if add_zero_attn:
        k = cat([k, zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], dim=1)
        v = cat([v, zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], dim=1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        kpm = _shape.reshape(_shape.expand(_shape.view(key_padding_mask, bsz, 1, 1, src_len), -1, num_heads, -1, -1),
                             bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    q_scaled = q * math.sqrt(1.0 / float(head_dim))
    k_t = _shape.transpose(k, -2, -1)
    if attn_mask is not None:
        weights = _la.baddbmm(attn_mask, q_scaled, k_t)
    else:
        weights = _la.bmm(q_scaled, k_t)
    weights = _red.softmax(weights, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    out = _la.bmm(weights, v)
    out = _shape.view(_shape.contiguous(_shape.transpose(out, 0, 1)), tgt_len * bsz, embed_dim)
    out = _shape.view(linear(out, out_proj_weight, out_proj_bias), tgt_len, bsz, -1)
    if not need_weights:
        return (out if batched else _shape.squeeze(out, 1)), None
    weights = _shape.view(weights, bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = _red.mean(weights, dim=1)
    if not batched:
        return _shape.squeeze(out, 1), _shape.squeeze(weights, 0)
    return out, weights
