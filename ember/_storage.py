"""``Tensor.storage()``: the flat memory a tensor and its views share, as PyTorch's TypedStorage shows it."""
import warnings

__all__ = ["TypedStorage"]

_DEPRECATED = ("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
               "storage class. This should only matter to you if you are using storages directly.  To access "
               "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()")
_warned = []


class TypedStorage:
    """The one-dimensional memory under a tensor (its base's elements), with its dtype and device."""

    def __init__(self, tensor):
        base = tensor._storage_root()
        self._array = base._data.reshape(-1) if base._data.flags.c_contiguous else base._data.ravel(order="K")
        self.dtype = tensor.dtype
        self.device = tensor.device

    @classmethod
    def _of(cls, tensor):
        if not _warned:   # PyTorch warns once per process
            _warned.append(True)
            warnings.warn(_DEPRECATED, UserWarning, stacklevel=3)
        return cls(tensor)

    def data_ptr(self):
        """Return the address of the first element of the storage."""
        return self._array.__array_interface__["data"][0]

    def size(self):
        """Return the number of elements in the storage."""
        return self._array.size

    __len__ = size

    def element_size(self):
        """Return the size of one element in bytes."""
        return self._array.itemsize

    def nbytes(self):
        """Return the size of the storage in bytes."""
        return self._array.nbytes

    def tolist(self):
        """Return the elements as a list of Python numbers."""
        return self._array.tolist()

    def __getitem__(self, index):
        return self._array[index].item() if isinstance(index, int) else self._array[index].tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist()) if self._array.size else " "
        dtype = str(self.dtype)
        return f"{body}\n[ember.storage.TypedStorage(dtype={dtype}, device={self.device}) of size {self.size()}]"
