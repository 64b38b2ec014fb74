"""Top-level twins of Tensor methods (``torch.acos_(t)`` is ``t.acos_()``, ``torch.matrix_power(A, n)`` is
``A.matrix_power(n)``) and of ``nn.functional`` functions PyTorch also exposes at the top level."""


def matrix_power(input, *args, **kwargs):
    """Return ``input.matrix_power(...)``."""
    return input.matrix_power(*args, **kwargs)


def pinverse(input, *args, **kwargs):
    """Return ``input.pinverse(...)``."""
    return input.pinverse(*args, **kwargs)


def positive(input, *args, **kwargs):
    """Return ``input.positive(...)``."""
    return input.positive(*args, **kwargs)


def adjoint(input, *args, **kwargs):
    """Return ``input.adjoint(...)``."""
    return input.adjoint(*args, **kwargs)


def conj(input, *args, **kwargs):
    """Return ``input.conj(...)``."""
    return input.conj(*args, **kwargs)


def conj_physical(input, *args, **kwargs):
    """Return ``input.conj_physical(...)``."""
    return input.conj_physical(*args, **kwargs)


def resolve_conj(input, *args, **kwargs):
    """Return ``input.resolve_conj(...)``."""
    return input.resolve_conj(*args, **kwargs)


def resolve_neg(input, *args, **kwargs):
    """Return ``input.resolve_neg(...)``."""
    return input.resolve_neg(*args, **kwargs)


def is_complex(input, *args, **kwargs):
    """Return ``input.is_complex(...)``."""
    return input.is_complex(*args, **kwargs)


def is_conj(input, *args, **kwargs):
    """Return ``input.is_conj(...)``."""
    return input.is_conj(*args, **kwargs)


def is_neg(input, *args, **kwargs):
    """Return ``input.is_neg(...)``."""
    return input.is_neg(*args, **kwargs)


def is_nonzero(input, *args, **kwargs):
    """Return ``input.is_nonzero(...)``."""
    return input.is_nonzero(*args, **kwargs)


def is_same_size(input, *args, **kwargs):
    """Return ``input.is_same_size(...)``."""
    return input.is_same_size(*args, **kwargs)


def is_signed(input, *args, **kwargs):
    """Return ``input.is_signed(...)``."""
    return input.is_signed(*args, **kwargs)


def real(input):
    """Return the real part of ``input`` (``input.real``)."""
    return input.real


def imag(input):
    """Return the imaginary part of ``input`` (``input.imag``)."""
    return input.imag


def detach(input, *args, **kwargs):
    """Return ``input.detach(...)``."""
    return input.detach(*args, **kwargs)


def split_with_sizes(input, *args, **kwargs):
    """Return ``input.split_with_sizes(...)``."""
    return input.split_with_sizes(*args, **kwargs)


def dsplit(input, *args, **kwargs):
    """Return ``input.dsplit(...)``."""
    return input.dsplit(*args, **kwargs)


def nonzero_static(input, *args, **kwargs):
    """Return ``input.nonzero_static(...)``."""
    return input.nonzero_static(*args, **kwargs)


def get_device(input, *args, **kwargs):
    """Return ``input.get_device(...)``."""
    return input.get_device(*args, **kwargs)


def is_inference(input, *args, **kwargs):
    """Return ``input.is_inference(...)``."""
    return input.is_inference(*args, **kwargs)


def acos_(input, *args, **kwargs):
    """``input.acos_(...)``: the in-place form, on ``input``."""
    return input.acos_(*args, **kwargs)


def acosh_(input, *args, **kwargs):
    """``input.acosh_(...)``: the in-place form, on ``input``."""
    return input.acosh_(*args, **kwargs)


def arccos_(input, *args, **kwargs):
    """``input.arccos_(...)``: the in-place form, on ``input``."""
    return input.arccos_(*args, **kwargs)


def arccosh_(input, *args, **kwargs):
    """``input.arccosh_(...)``: the in-place form, on ``input``."""
    return input.arccosh_(*args, **kwargs)


def arcsin_(input, *args, **kwargs):
    """``input.arcsin_(...)``: the in-place form, on ``input``."""
    return input.arcsin_(*args, **kwargs)


def arcsinh_(input, *args, **kwargs):
    """``input.arcsinh_(...)``: the in-place form, on ``input``."""
    return input.arcsinh_(*args, **kwargs)


def arctan_(input, *args, **kwargs):
    """``input.arctan_(...)``: the in-place form, on ``input``."""
    return input.arctan_(*args, **kwargs)


def arctanh_(input, *args, **kwargs):
    """``input.arctanh_(...)``: the in-place form, on ``input``."""
    return input.arctanh_(*args, **kwargs)


def asin_(input, *args, **kwargs):
    """``input.asin_(...)``: the in-place form, on ``input``."""
    return input.asin_(*args, **kwargs)


def asinh_(input, *args, **kwargs):
    """``input.asinh_(...)``: the in-place form, on ``input``."""
    return input.asinh_(*args, **kwargs)


def atan_(input, *args, **kwargs):
    """``input.atan_(...)``: the in-place form, on ``input``."""
    return input.atan_(*args, **kwargs)


def atanh_(input, *args, **kwargs):
    """``input.atanh_(...)``: the in-place form, on ``input``."""
    return input.atanh_(*args, **kwargs)


def clamp_max_(input, *args, **kwargs):
    """``input.clamp_max_(...)``: the in-place form, on ``input``."""
    return input.clamp_max_(*args, **kwargs)


def clamp_min_(input, *args, **kwargs):
    """``input.clamp_min_(...)``: the in-place form, on ``input``."""
    return input.clamp_min_(*args, **kwargs)


def clip_(input, *args, **kwargs):
    """``input.clip_(...)``: the in-place form, on ``input``."""
    return input.clip_(*args, **kwargs)


def cosh_(input, *args, **kwargs):
    """``input.cosh_(...)``: the in-place form, on ``input``."""
    return input.cosh_(*args, **kwargs)


def deg2rad_(input, *args, **kwargs):
    """``input.deg2rad_(...)``: the in-place form, on ``input``."""
    return input.deg2rad_(*args, **kwargs)


def erf_(input, *args, **kwargs):
    """``input.erf_(...)``: the in-place form, on ``input``."""
    return input.erf_(*args, **kwargs)


def erfc_(input, *args, **kwargs):
    """``input.erfc_(...)``: the in-place form, on ``input``."""
    return input.erfc_(*args, **kwargs)


def exp2_(input, *args, **kwargs):
    """``input.exp2_(...)``: the in-place form, on ``input``."""
    return input.exp2_(*args, **kwargs)


def expm1_(input, *args, **kwargs):
    """``input.expm1_(...)``: the in-place form, on ``input``."""
    return input.expm1_(*args, **kwargs)


def fix_(input, *args, **kwargs):
    """``input.fix_(...)``: the in-place form, on ``input``."""
    return input.fix_(*args, **kwargs)


def frac_(input, *args, **kwargs):
    """``input.frac_(...)``: the in-place form, on ``input``."""
    return input.frac_(*args, **kwargs)


def log10_(input, *args, **kwargs):
    """``input.log10_(...)``: the in-place form, on ``input``."""
    return input.log10_(*args, **kwargs)


def log1p_(input, *args, **kwargs):
    """``input.log1p_(...)``: the in-place form, on ``input``."""
    return input.log1p_(*args, **kwargs)


def log2_(input, *args, **kwargs):
    """``input.log2_(...)``: the in-place form, on ``input``."""
    return input.log2_(*args, **kwargs)


def nan_to_num_(input, *args, **kwargs):
    """``input.nan_to_num_(...)``: the in-place form, on ``input``."""
    return input.nan_to_num_(*args, **kwargs)


def negative_(input, *args, **kwargs):
    """``input.negative_(...)``: the in-place form, on ``input``."""
    return input.negative_(*args, **kwargs)


def rad2deg_(input, *args, **kwargs):
    """``input.rad2deg_(...)``: the in-place form, on ``input``."""
    return input.rad2deg_(*args, **kwargs)


def rsqrt_(input, *args, **kwargs):
    """``input.rsqrt_(...)``: the in-place form, on ``input``."""
    return input.rsqrt_(*args, **kwargs)


def sinh_(input, *args, **kwargs):
    """``input.sinh_(...)``: the in-place form, on ``input``."""
    return input.sinh_(*args, **kwargs)


def tan_(input, *args, **kwargs):
    """``input.tan_(...)``: the in-place form, on ``input``."""
    return input.tan_(*args, **kwargs)


def trunc_(input, *args, **kwargs):
    """``input.trunc_(...)``: the in-place form, on ``input``."""
    return input.trunc_(*args, **kwargs)


def xlogy_(input, *args, **kwargs):
    """``input.xlogy_(...)``: the in-place form, on ``input``."""
    return input.xlogy_(*args, **kwargs)


def addmv_(input, *args, **kwargs):
    """``input.addmv_(...)``: the in-place form, on ``input``."""
    return input.addmv_(*args, **kwargs)


def gcd_(input, *args, **kwargs):
    """``input.gcd_(...)``: the in-place form, on ``input``."""
    return input.gcd_(*args, **kwargs)


def lcm_(input, *args, **kwargs):
    """``input.lcm_(...)``: the in-place form, on ``input``."""
    return input.lcm_(*args, **kwargs)


def i0_(input, *args, **kwargs):
    """``input.i0_(...)``: the in-place form, on ``input``."""
    return input.i0_(*args, **kwargs)


def ldexp_(input, *args, **kwargs):
    """``input.ldexp_(...)``: the in-place form, on ``input``."""
    return input.ldexp_(*args, **kwargs)


def logit_(input, *args, **kwargs):
    """``input.logit_(...)``: the in-place form, on ``input``."""
    return input.logit_(*args, **kwargs)


def sinc_(input, *args, **kwargs):
    """``input.sinc_(...)``: the in-place form, on ``input``."""
    return input.sinc_(*args, **kwargs)


def conj_physical_(input, *args, **kwargs):
    """``input.conj_physical_(...)``: the in-place form, on ``input``."""
    return input.conj_physical_(*args, **kwargs)


def detach_(input, *args, **kwargs):
    """``input.detach_(...)``: the in-place form, on ``input``."""
    return input.detach_(*args, **kwargs)


def resize_as_(input, *args, **kwargs):
    """``input.resize_as_(...)``: the in-place form, on ``input``."""
    return input.resize_as_(*args, **kwargs)


# ---------------------------------------------------------------- twins of nn.functional (imported on use)


def cosine_similarity(*args, **kwargs):
    """Return the cosine similarity of ``x1`` and ``x2`` along ``dim`` (``nn.functional.cosine_similarity``)."""
    from ..nn import functional
    return functional.cosine_similarity(*args, **kwargs)


def pairwise_distance(*args, **kwargs):
    """Return the ``p``-norm distance between the rows of ``x1`` and ``x2`` (``nn.functional.pairwise_distance``)."""
    from ..nn import functional
    return functional.pairwise_distance(*args, **kwargs)


def pixel_shuffle(*args, **kwargs):
    """Return ``input`` with channels rearranged into an ``upscale_factor`` larger image (``nn.functional.pixel_shuffle``)."""
    from ..nn import functional
    return functional.pixel_shuffle(*args, **kwargs)


def pixel_unshuffle(*args, **kwargs):
    """Return ``input`` with blocks of pixels rearranged into channels (``nn.functional.pixel_unshuffle``)."""
    from ..nn import functional
    return functional.pixel_unshuffle(*args, **kwargs)


def channel_shuffle(*args, **kwargs):
    """Return ``input`` with its channels shuffled in ``groups`` (``nn.functional.channel_shuffle``)."""
    from ..nn import functional
    return functional.channel_shuffle(*args, **kwargs)


def bilinear(*args, **kwargs):
    """Return the bilinear map ``x1^T A x2 + b`` (``nn.functional.bilinear``)."""
    from ..nn import functional
    return functional.bilinear(*args, **kwargs)


def rms_norm(*args, **kwargs):
    """Return ``input`` normalized by its root mean square over ``normalized_shape`` (``nn.functional.rms_norm``)."""
    from ..nn import functional
    return functional.rms_norm(*args, **kwargs)


def adaptive_avg_pool1d(*args, **kwargs):
    """Return the 1-D adaptive average pooling of ``input`` (``nn.functional.adaptive_avg_pool1d``)."""
    from ..nn import functional
    return functional.adaptive_avg_pool1d(*args, **kwargs)


def conv3d(*args, **kwargs):
    """Return the 3-D convolution of ``input`` with ``weight`` (``nn.functional.conv3d``)."""
    from ..nn import functional
    return functional.conv3d(*args, **kwargs)


def conv_transpose3d(*args, **kwargs):
    """Return the 3-D transposed convolution of ``input`` with ``weight`` (``nn.functional.conv_transpose3d``)."""
    from ..nn import functional
    return functional.conv_transpose3d(*args, **kwargs)


def max_pool3d(*args, **kwargs):
    """Return the 3-D max pooling of ``input`` (``nn.functional.max_pool3d``)."""
    from ..nn import functional
    return functional.max_pool3d(*args, **kwargs)
