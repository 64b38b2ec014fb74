"""Dtype and device conversion for ``Module``: ``to``, ``float``, ``double``, ``half``, ``type``, ``cpu``."""
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = ["ConversionMixin"]


class ConversionMixin:
    """Casts parameters and buffers in place, keeping every Parameter object (optimizers hold them)."""

    def _apply(self, fn, recurse=True):
        if recurse:
            for module in self.children():
                module._apply(fn)
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                applied = fn(param)
            # the Parameter object is kept (optimizers hold it); only its data changes, as PyTorch's set_data
            param.data = applied
            if param.grad is not None:
                with no_grad():
                    param.grad.data = fn(param.grad)
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        """Cast floating point parameters and buffers to a dtype and/or move them to a device; returns self."""
        from ..._dtype import dtype as dtype_cls
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                            f"'{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, dtype_cls):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, bool) or a is None:
                continue
            else:
                device = a
        if device is not None:
            from ...device import _check_cpu
            _check_cpu(device)
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                            f"dtype={dtype}")
        if dtype is None:
            return self
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def _cast_floats(self, dtype):
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self):
        """Cast all floating point parameters and buffers to float32; returns self."""
        from ..._dtype import float32
        return self._cast_floats(float32)

    def double(self):
        """Cast all floating point parameters and buffers to float64; returns self."""
        from ..._dtype import float64
        return self._cast_floats(float64)

    def half(self):
        """Cast all floating point parameters and buffers to float16; returns self."""
        from ..._dtype import float16
        return self._cast_floats(float16)

    def type(self, dst_type):
        """Cast all parameters and buffers to ``dst_type``; returns self."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        """Return self: ember's tensors live on the CPU."""
        return self

    def cuda(self, device=None):
        """Move to a CUDA device: raises PyTorch's error, as a CPU-only build does."""
        return self._apply(lambda t: t.cuda(device))
