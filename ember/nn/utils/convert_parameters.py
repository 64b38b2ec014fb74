"""``parameters_to_vector`` and ``vector_to_parameters``."""
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """Flatten an iterable of parameters into one 1-D tensor (differentiable)."""
    from ... import cat
    return cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters):
    """Copy slices of the 1-D tensor ``vec`` into the data of each parameter, in order."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    # every slice is cut before any parameter changes, so a short vector changes nothing
    pieces = []
    pointer = 0
    for param in parameters:
        num_param = param.numel()
        pieces.append(vec[pointer:pointer + num_param].view_as(param).data)
        pointer += num_param
    for param, piece in zip(parameters, pieces):
        param.data = piece
