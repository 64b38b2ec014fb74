"""``ember.backends.cuda``: CUDA's switches, as PyTorch's CPU build has them (ember has no CUDA)."""

__all__ = ["is_built", "matmul"]


def is_built():
    """Return False: ember is not built with CUDA."""
    return False


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: cuBLAS precision switches (kept, never used: no CUDA)."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()
