"""``ember.nn``: neural network building blocks with ``torch.nn``'s names."""
from . import functional, init, parallel, utils
from .modules import (Module, CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU,
                      LogSigmoid, LogSoftmax, Mish, MultiheadAttention, PReLU, ReLU, ReLU6, RReLU, Sigmoid, SiLU,
                      Softmax, Softmax2d, Softmin, Softplus, Softshrink, Softsign, Tanh, Tanhshrink, Threshold,
                      BatchNorm1d, BatchNorm2d, BatchNorm3d, ModuleDict, ModuleList, ParameterDict, ParameterList,
                      Sequential, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, AlphaDropout, Dropout, Dropout1d,
                      Dropout2d, Dropout3d, Flatten, Unflatten, Bilinear, Identity, Linear, BCELoss,
                      BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                      MarginRankingLoss, MSELoss, NLLLoss, SmoothL1Loss, GroupNorm, LayerNorm, LocalResponseNorm,
                      RMSNorm, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d,
                      AvgPool2d, MaxPool1d, MaxPool2d, GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell,
                      RNNCellBase, Embedding)
from .parameter import Buffer, Parameter

__all__ = ["functional", "init", "parallel", "utils", "Parameter", "Buffer", "Module", "CELU", "ELU", "GELU", "GLU", "SELU",
           "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU", "LogSigmoid", "LogSoftmax", "Mish",
           "MultiheadAttention", "PReLU", "ReLU", "ReLU6", "RReLU", "Sigmoid", "SiLU", "Softmax", "Softmax2d",
           "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold", "BatchNorm1d",
           "BatchNorm2d", "BatchNorm3d", "ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential",
           "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "AlphaDropout", "Dropout", "Dropout1d",
           "Dropout2d", "Dropout3d", "Flatten", "Unflatten", "Bilinear", "Identity", "Linear", "BCELoss",
           "BCEWithLogitsLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "HuberLoss", "KLDivLoss", "L1Loss",
           "MarginRankingLoss", "MSELoss", "NLLLoss", "SmoothL1Loss", "GroupNorm", "LayerNorm", "LocalResponseNorm",
           "RMSNorm", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d",
           "AvgPool2d", "MaxPool1d", "MaxPool2d", "GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell",
           "RNNCellBase", "Embedding"]
