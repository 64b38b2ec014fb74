"""DistributedDataParallel: one model replica per process, gradients averaged across processes in backward."""
from contextlib import contextmanager

import numpy as np

from ...distributed.distributed_c10d import _resolve
from ..modules.module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error "
    "indicates that your module has parameters that were not used in producing loss. You can enable unused "
    "parameter detection by passing the keyword argument `find_unused_parameters=True` to "
    "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
    "participate in calculating loss.")


class DistributedDataParallel(Module):
    """Data parallelism: wraps ``module`` so that ``backward()`` averages its gradients across all ranks.

    At construction, rank 0's parameters and buffers are broadcast to every rank. During each
    backward, gradients are all-reduced in buckets (reverse parameter order, 1 MiB first bucket,
    ``bucket_cap_mb`` = 25 MiB after) as soon as a bucket fills, and averaged by the time
    ``backward()`` returns. Buffers are broadcast from rank 0 at every forward. ``no_sync()``
    skips the averaging so gradients accumulate locally. The wrapped module is ``.module``.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=None, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False, bucket_cap_mb_list=None, batched_grad_copy=False,
                 forward_sync_buffers=None):
        super().__init__()
        if device_ids is not None and list(device_ids) not in ([], ["cpu"]):
            raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                             "single-device/multiple-device GPU modules; ember runs on the CPU, pass device_ids=None")
        unsupported = {"mixed_precision": mixed_precision, "device_mesh": device_mesh,
                       "param_to_hook_all_reduce": param_to_hook_all_reduce, "bucket_cap_mb_list": bucket_cap_mb_list,
                       "delay_all_reduce_named_params": delay_all_reduce_named_params}
        for name, value in unsupported.items():
            if value is not None:
                raise NotImplementedError(f"DistributedDataParallel({name}=...) is not supported by ember")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self.module = module
        self.process_group = _resolve(process_group)
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        if forward_sync_buffers is None:
            forward_sync_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.broadcast_buffers = forward_sync_buffers
        self.dim = dim
        self._check_same_model(module)
        if init_sync:
            self._broadcast_coalesced(list(module.parameters()) + list(module.buffers()))
        self.reducer = Reducer(params, self.process_group, bucket_cap_mb, find_unused_parameters)
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)

    def _check_same_model(self, module):
        """Raise the same error on every rank unless all ranks built the same parameters."""
        shapes = "; ".join(f"{name}: {p.dtype} {list(p.shape)}" for name, p in module.named_parameters())
        self.process_group._agree("DistributedDataParallel (DDP expects same model across all ranks)",
                                  f"parameters [{shapes}]")

    def _broadcast_coalesced(self, tensors):
        """Broadcast ``tensors`` from rank 0, packed into one flat buffer per dtype."""
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t._data.dtype.str, []).append(t)
        pg = self.process_group
        for group in by_dtype.values():
            flat = np.concatenate([t._data.reshape(-1) for t in group])
            send = flat.view(np.uint8) if flat.dtype == np.bool_ else flat
            pg._wait([pg._comm.Ibcast(send, 0)], "DistributedDataParallel broadcast from rank 0")
            if pg.rank() != 0:
                start = 0
                for t in group:
                    t._data[...] = flat[start:start + t._data.size].reshape(t._data.shape)
                    t._bump_version()
                    start += t._data.size

    # ------------------------------------------------------------------ forward
    def forward(self, *inputs, **kwargs):
        """Run the wrapped module, first syncing buffers from rank 0 and checking the last reduction finished."""
        if self.reducer.in_progress():
            raise RuntimeError(_UNFINISHED)
        if self.broadcast_buffers and self.process_group.size() > 1:
            buffers = list(self.module.buffers())
            if buffers:
                self._broadcast_coalesced(buffers)
        output = self.module(*inputs, **kwargs)
        from ...autograd.grad_mode import is_grad_enabled
        if is_grad_enabled() and self.require_backward_grad_sync:
            unused = self._unused_parameters(output) if self.find_unused_parameters else ()
            self.reducer.prepare_for_backward(unused)
        else:
            self.reducer.active = False
        return output

    def _unused_parameters(self, output):
        """Return the parameters the autograd graph of ``output`` does not reach."""
        from ...autograd.graph import AccumulateGrad
        seen, reached, stack = set(), set(), [t.grad_fn for t in _tensors_in(output) if t.grad_fn is not None]
        for t in _tensors_in(output):
            if t.grad_fn is None and t.requires_grad:
                reached.add(id(t))
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, AccumulateGrad):
                reached.add(id(node.variable))
            stack.extend(n for n in node._next if n is not None)
        return [p for p in self.reducer.params if id(p) not in reached]

    @contextmanager
    def no_sync(self):
        """Context manager under which forward/backward passes accumulate gradients locally, without all-reduce.

        The first forward-backward pass after leaving the context averages the accumulated gradients.
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old


def _tensors_in(obj):
    """Yield the tensors in a (nested) forward output: a tensor, or lists/tuples/dicts of them."""
    from ..._tensor import Tensor
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)


