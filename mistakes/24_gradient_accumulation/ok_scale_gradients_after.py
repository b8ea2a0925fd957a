"""Right, written another way: the losses go backward unscaled, and the summed gradients are
divided by the group's size just before the step; the steps are counted with enumerate.

Must pass every check.
"""

import torch
import torch.nn.functional as F


def train_accumulated(model, optimizer, batches, accum_steps):
    losses, group_losses = [], []
    optimizer.zero_grad(set_to_none=True)
    for i, (x, y) in enumerate(batches):
        loss = F.mse_loss(model(x), y)
        loss.backward()
        group_losses.append(loss.item())
        if (i + 1) % accum_steps == 0 or i + 1 == len(batches):
            for p in model.parameters():
                if p.grad is not None:
                    p.grad /= len(group_losses)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(sum(group_losses) / len(group_losses))
            group_losses = []
    return losses
