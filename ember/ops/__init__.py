"""``ember.ops``: the op table. Each family module defines its ops (forward and backward together)
and lists them in its ``OPS`` tuple; ``ALL`` is what the generated tests iterate over."""
from . import elementwise, indexing, linalg, reduction, shape

ALL = (*elementwise.OPS, *reduction.OPS, *shape.OPS, *indexing.OPS, *linalg.OPS)
