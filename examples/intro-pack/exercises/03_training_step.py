"""One training step: the heart of every training loop.

Write train_step(model, optimizer, features, labels) that, in this order,

1. forgets the gradients of the step before: optimizer.zero_grad()
2. computes the logits model(features) and the loss
   torch.nn.functional.cross_entropy(logits, labels)
3. computes the gradients: loss.backward()
4. updates the parameters: optimizer.step()

and returns the loss as a Python float (loss.item()): a float keeps no graph alive.
"""
import torch
import torch.nn.functional as F


def train_step(model, optimizer, features, labels):
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    features = torch.randn(16, 2)
    labels = (features[:, 0] > 0).long()
    for step in range(10):
        print(step, train_step(model, optimizer, features, labels))
