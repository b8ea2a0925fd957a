"""Right, written another way: torch.device(device), non_blocking moves, a dict of moved
tensors, model.to without assignment.

Must pass every check.
"""
import torch
import torch.nn.functional as F


def train_on(model, loader, device, num_epochs=2, lr=0.1):
    device = torch.device(device)
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(num_epochs):
        for batch in loader:
            x, y = (t.to(device, non_blocking=True) for t in batch)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


@torch.no_grad()
def accuracy_on(model, loader, device):
    model.to(device).eval()
    hits = total = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        hits += (model(x).argmax(-1) == y).sum().item()
        total += y.numel()
    return hits / total
