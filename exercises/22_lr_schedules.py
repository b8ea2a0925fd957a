"""22 · Weight decay and learning-rate schedules  (beyond the appendix; the book's appendix D
trains its GPT with AdamW, a linear warm-up and a cosine decay)

Large models train with AdamW, not Adam with `weight_decay`. Adam's `weight_decay` adds
L2 to the gradient (λ·w), and Adam then divides that by its running scale like any
gradient, so weights with large gradients hardly decay at all. AdamW *decouples* it: each
step shrinks the weight itself, `w -= lr · λ · w`, whatever the gradient was. Biases and
the parameters of normalisation layers (LayerNorm) are left undecayed: they have one
dimension, and shrinking them only hurts.

The learning rate then follows a schedule: a linear **warm-up** (Adam's estimates are
poor at first, so the first steps are small) and a **cosine decay** towards 0. A
scheduler in `torch.optim.lr_scheduler` (LambdaLR, or LinearLR and CosineAnnealingLR
joined by SequentialLR) changes `optimizer.param_groups[i]["lr"]` each time you call
`scheduler.step()`, which comes **after** `optimizer.step()`. Write:

    make_optimizer(model, lr=1e-3, weight_decay=0.1)
        -> torch.optim.AdamW over all of model's parameters, at learning rate lr, in two
           parameter groups: the parameters with 2 or more dimensions (weight matrices)
           with weight_decay, and those with fewer (biases, LayerNorm's weight and bias)
           with weight_decay=0.0
    warmup_cosine(optimizer, warmup_steps, total_steps)
        -> a learning-rate scheduler for that optimizer. The optimizer step number s
           (0, 1, 2, ...) runs at  base_lr * factor(s), every group from its own base_lr:
               factor(s) = (s + 1) / warmup_steps            for s < warmup_steps
               factor(s) = 0.5 * (1 + cos(pi * (s - warmup_steps) / (total_steps - warmup_steps)))
                                                             for s >= warmup_steps
           With warmup_steps=3, total_steps=10 and base_lr 0.1, the ten steps run at
           0.0333, 0.0667, 0.1, 0.1, 0.0950, 0.0812, 0.0611, 0.0389, 0.0188, 0.0050.
           (warmup_steps >= 2 and total_steps > warmup_steps.)
    train(model, batches, lr=1e-2, weight_decay=0.1, warmup_steps=2)
        -> one step per (x, y) batch in the list `batches`, with make_optimizer(model, lr,
           weight_decay) and warmup_cosine(optimizer, warmup_steps, len(batches)):
           zero the gradients, F.mse_loss(model(x), y), backward, optimizer.step(), then
           scheduler.step(). Returns the learning rate each step ran at, as Python floats
           (read it from optimizer.param_groups[0]["lr"] before the step).

Save the file: the dojo checks it. Stuck? `torch-dojo hint 22`.
"""

import math  # noqa: F401

import torch
import torch.nn.functional as F  # noqa: F401


def make_optimizer(model, lr=1e-3, weight_decay=0.1):
    """AdamW; weight matrices decay, biases and norms do not."""
    # TODO: two parameter groups, each a dict with "params" and "weight_decay".
    raise NotImplementedError


def warmup_cosine(optimizer, warmup_steps, total_steps):
    """A scheduler: linear warm-up, then cosine decay."""
    # TODO: torch.optim.lr_scheduler.LambdaLR(optimizer, factor), or the built-in schedulers.
    raise NotImplementedError


def train(model, batches, lr=1e-2, weight_decay=0.1, warmup_steps=2):
    """Train one step per batch; the learning rate of every step."""
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = warmup_cosine(optimizer, warmup_steps=3, total_steps=10)
    for step in range(10):
        print(step, round(optimizer.param_groups[0]["lr"], 4))
        optimizer.step()
        scheduler.step()
