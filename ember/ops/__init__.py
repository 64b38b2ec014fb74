"""``ember.ops``: the op table. Each family module defines its ops (forward and backward together)
and lists them in its ``OPS`` tuple; ``ALL`` is what the generated tests iterate over."""
from . import (_ew_binary, _ew_logic, _ew_round, _ew_select, _ew_unary, activation, conv, elementwise, extra,
               indexing, inplace, linalg, linalg_decomp, loss, misc, normalization, pooling, reduction, shape, special)

_FAMILIES = (elementwise, _ew_unary, _ew_binary, _ew_round, _ew_select, _ew_logic, inplace, reduction, shape,
             indexing, linalg, linalg_decomp, misc, activation, loss, conv, pooling, normalization,
             special, extra)
# a family may re-export another's ops in its OPS; each op is listed once, in family order
ALL = tuple(dict.fromkeys(op for family in _FAMILIES for op in family.OPS))
