"""``ember.nn.functional``: PyTorch's ``torch.nn.functional`` names and signatures over ember's ops."""
from ..ops.activation import (celu, elu, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, leaky_relu,
                              logsigmoid, mish, prelu, relu6, selu, silu, softplus, softshrink, softsign, tanhshrink,
                              threshold)
from ..ops.conv import (avg_pool1d, avg_pool2d, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                        max_pool1d, max_pool2d)
from ..ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, l1_loss,
                        mse_loss, nll_loss, smooth_l1_loss)
from ..ops.normalization import (batch_norm, dropout, dropout2d, embedding, group_norm, instance_norm, layer_norm,
                                 linear, one_hot)
