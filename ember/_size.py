"""``ember.Size``: the shape of a tensor, a tuple of ints as ``torch.Size``."""

__all__ = ["Size"]


class Size(tuple):
    """A tensor's shape; a tuple subclass that prints as ``torch.Size([2, 3])`` does."""
    __module__ = "ember"  # type(x.shape) prints <class 'ember.Size'>, as PyTorch's <class 'torch.Size'>

    __slots__ = ()

    def __repr__(self):
        return f"ember.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        """Return the number of elements a tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))
