"""03 · Tensor data types  (book: A.2.2 "Tensor data types")

Every tensor has one dtype for all its elements. PyTorch picks int64 for Python ints
and float32 for Python floats; float32 is what models compute in, and uint8 is how
images are stored on disk. Write the six functions below.

    int_tensor([1, 2, 3])        -> tensor([1, 2, 3])            dtype torch.int64
    float_tensor([1, 2, 3])      -> tensor([1., 2., 3.])         dtype torch.float32
    to_float32(t)                -> the same values as float32, whatever t's dtype
    to_uint8_image(img)          -> a float image in [0, 1] as uint8 in [0, 255]:
                                    clip to [0, 1], scale by 255, round to nearest
                                    (0.25 -> 64, 1.2 -> 255; exactly halfway, as
                                    0.5 -> 127.5, either neighbour is right); same shape
    tensor_bytes(t)              -> how many bytes t's elements take, for any dtype
    default_dtypes()             -> (dtype of torch.tensor(1), dtype of torch.tensor(1.0))

Save the file: the dojo checks it. Stuck? `torch-dojo hint 03`.
"""

import torch


def int_tensor(values):
    """A tensor of Python ints with PyTorch's default integer dtype."""
    # TODO: build a tensor from `values`.
    raise NotImplementedError


def float_tensor(values):
    """A float32 tensor, even when `values` are ints like [1, 2, 3]."""
    # TODO: torch.tensor takes a dtype= argument.
    raise NotImplementedError


def to_float32(t):
    """The same values as `t`, with dtype float32."""
    # TODO
    raise NotImplementedError


def to_uint8_image(img):
    """A float image with values in [0, 1] as uint8 values in [0, 255]."""
    # TODO: clip, scale, round, then convert. In which order?
    raise NotImplementedError


def tensor_bytes(t):
    """The number of bytes taken by the elements of `t`."""
    # TODO: a tensor knows its element size and its number of elements.
    raise NotImplementedError


def default_dtypes():
    """(dtype of torch.tensor(1), dtype of torch.tensor(1.0))"""
    # TODO: ask PyTorch rather than typing the answer.
    raise NotImplementedError
