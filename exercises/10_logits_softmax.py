"""10 · Logits, softmax and argmax  (book: A.5 "Implementing multilayer neural networks")

A classifier's last layer returns *logits*: one raw score per class, any real number.
The softmax turns a row of logits into probabilities (positive, summing to 1); the
predicted class is the index of the largest logit, which is also the most probable class.

    logits = model(x)                      # (batch, classes)
    torch.softmax(logits, dim=1)           # each row sums to 1
    logits.argmax(dim=1)                   # one class index per example

Why do PyTorch's losses take logits, not probabilities? A loss needs log-probabilities,
and log(softmax(z)) underflows: for logits [0, -200] the softmax of the second class is
e^-200, which is 0 in float32, and log(0) = -inf. torch.log_softmax computes the same
thing as z - logsumexp(z), which stays exact. F.cross_entropy does that for you, so it
wants the logits.

Write, for logits of shape (batch, classes):

    probabilities(logits)      -> the softmax of each row: (batch, classes), rows sum to 1
    predict_classes(logits)    -> the predicted class of each example: int64, shape (batch,)
    log_probabilities(logits)  -> log of the probabilities, finite even for logits far apart
    cross_entropy(logits, labels)
                               -> the mean over the batch of -log p(correct class), for
                                  labels of shape (batch,) holding class indices: what
                                  F.cross_entropy(logits, labels) gives

Save the file: the dojo checks it. Stuck? `torch-dojo hint 10`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


def probabilities(logits):
    """Softmax over the classes of each example."""
    # TODO: which dimension holds the classes?
    raise NotImplementedError


def predict_classes(logits):
    """The index of the largest logit in each row."""
    # TODO
    raise NotImplementedError


def log_probabilities(logits):
    """log softmax over the classes, without underflow."""
    # TODO
    raise NotImplementedError


def cross_entropy(logits, labels):
    """Mean of -log p(label) over the batch."""
    # TODO: from logits. What would a softmax before it do?
    raise NotImplementedError
