"""24 · Gradient accumulation  (beyond the appendix: how a large batch fits in a small memory)

A bigger batch gives a less noisy gradient, but its activations must all fit in memory at
once. Gradient accumulation gets the same update from k smaller **micro-batches**:
`backward()` *adds* to `.grad`, so k backward passes before one `optimizer.step()` sum the
k gradients. Since a mean loss over one big batch is the mean of the k micro-batch means
(micro-batches of equal size), divide each micro-batch's loss by k and the sum is exactly
the big batch's gradient:

    optimizer.zero_grad()                 # once per group, not per micro-batch
    for x, y in group:                    # k micro-batches
        (F.mse_loss(model(x), y) / k).backward()
    optimizer.step()                      # once per group

Write:

    train_accumulated(model, optimizer, batches, accum_steps)
        -> trains on the list `batches` of (x, y) micro-batches, all of the same size,
           in groups of accum_steps consecutive ones: one optimizer step per group, with
           the gradient of F.mse_loss over the whole group, as if the group's micro-batches
           were one batch (torch.cat of their x's and y's). When len(batches) is not a
           multiple of accum_steps, the last group is smaller: it still gets its step, with
           the mean over its own micro-batches (divide by its size, not by accum_steps).
           Gradients left over from before the call must not count.
           Returns one Python float per step: the group's loss (the mean of its
           micro-batches' losses, computed before the step), in order.

With 7 micro-batches and accum_steps=3 there are 3 steps: micro-batches 0-2, 3-5, and 6.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 24`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


def train_accumulated(model, optimizer, batches, accum_steps):
    """One optimizer step per group of accum_steps micro-batches; each group's loss."""
    # TODO: group the micro-batches; per group: zero_grad, backward of every scaled loss, step.
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    x, y = torch.randn(12, 4), torch.randn(12, 1)
    batches = list(zip(x.split(2), y.split(2)))  # six micro-batches of 2
    small = torch.nn.Linear(4, 1)
    big = torch.nn.Linear(4, 1)
    big.load_state_dict(small.state_dict())
    print("losses:", train_accumulated(small, torch.optim.SGD(small.parameters(), lr=0.1), batches, 3))
    big_optimizer = torch.optim.SGD(big.parameters(), lr=0.1)
    for xs, ys in ((x[:6], y[:6]), (x[6:], y[6:])):  # the same two steps on batches of 6
        big_optimizer.zero_grad()
        F.mse_loss(big(xs), ys).backward()
        big_optimizer.step()
    print("same weights as two steps on batches of 6:", torch.allclose(small.weight, big.weight, atol=1e-6))
