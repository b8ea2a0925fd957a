"""23 · Gradient clipping  (beyond the appendix; the book's appendix D.3 clips the gradients
of its GPT this way)

A single bad batch, or a deep network at the start of training, can give gradients so
large that one step throws the weights far away: the loss jumps and may never come back
(exploding gradients). Watch the **total gradient norm**, the length of all gradients
taken together as one long vector:

    total norm = sqrt(sum over every parameter p of (p.grad ** 2).sum())

and clip it: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)` scales *all*
gradients by the same factor when their total norm is above max_norm (so the step keeps
its direction and gets shorter), leaves them alone when it is below, and **returns the
total norm from before clipping**: the number to log. It goes after `backward()`, which
makes the gradients, and before `optimizer.step()`, which uses them.
`clip_grad_value_(parameters, clip_value)` instead clamps every entry to
[-clip_value, clip_value] on its own, which changes the direction. Write:

    total_grad_norm(model)
        -> the total norm of the gradients of model's parameters, as a Python float;
           parameters whose .grad is None are left out (0.0 when none has a gradient)
    train_step_clipped(model, optimizer, x, y, max_norm=1.0)
        -> one training step: zero the gradients, loss = F.mse_loss(model(x), y), backward,
           clip the total norm to max_norm, optimizer step. Returns (loss, norm) as Python
           floats: the loss, and the total norm before clipping.
    clip_by_value(model, clip_value)
        -> clamps every entry of every gradient of model to [-clip_value, clip_value], in
           place (returns None)

Save the file: the dojo checks it. Stuck? `torch-dojo hint 23`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


def total_grad_norm(model):
    """The norm of all of model's gradients together, a Python float."""
    # TODO
    raise NotImplementedError


def train_step_clipped(model, optimizer, x, y, max_norm=1.0):
    """One step with the gradients clipped to max_norm: (loss, norm before clipping)."""
    # TODO: zero_grad, loss, backward, clip, step.
    raise NotImplementedError


def clip_by_value(model, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value], in place."""
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(16, 4), 100 * torch.randn(16, 1)  # targets far off: huge gradients
    for step in range(5):
        loss, norm = train_step_clipped(model, optimizer, x, y, max_norm=1.0)
        print(f"step {step}: loss {loss:.1f}, norm before clipping {norm:.1f}, "
              f"after {total_grad_norm(model):.3f}")
