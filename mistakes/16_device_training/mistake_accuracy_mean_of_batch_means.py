"""Wrong on purpose: accuracy_on averages the accuracy of each batch, so the last, smaller
batch (one example of ten) counts as much as a batch of three.

Must fail: "accuracy_on computes on the device".
Says: "correct examples / all examples".
"""
import torch
import torch.nn.functional as F


def train_on(model, loader, device, num_epochs=2, lr=0.1):
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        model.train()
        for features, labels in loader:
            features, labels = features.to(device), labels.to(device)
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def accuracy_on(model, loader, device):
    model = model.to(device)
    model.eval()
    accuracies = []
    with torch.no_grad():
        for features, labels in loader:
            features, labels = features.to(device), labels.to(device)
            predictions = model(features).argmax(dim=1)
            accuracies.append((predictions == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)
