"""Wrong on purpose: the labels are moved with a bare labels.to(device), whose result is
dropped, so the loss meets labels straight from the loader.

Must fail: "train_on moves the model and every batch" and "accuracy_on computes on the device".
Says: "the labels of batch 0" and "was not assigned".
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
            features = features.to(device)
            labels.to(device)
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def accuracy_on(model, loader, device):
    model = model.to(device)
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for features, labels in loader:
            features = features.to(device)
            predictions = model(features).argmax(dim=1)
            correct += (predictions == labels).sum().item()
            total += len(labels)
    return correct / total


if __name__ == "__main__":
    from torch.utils.data import DataLoader, TensorDataset

    if torch.cuda.is_available():
        device = torch.device("cuda")
    elif torch.backends.mps.is_available():
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    X = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
    y = torch.tensor([0, 0, 0, 1, 1])
    loader = DataLoader(TensorDataset(X, y), batch_size=2, shuffle=True)
    torch.manual_seed(123)
    model = torch.nn.Sequential(torch.nn.Linear(2, 30), torch.nn.ReLU(), torch.nn.Linear(30, 20),
                                torch.nn.ReLU(), torch.nn.Linear(20, 2))
    losses = train_on(model, loader, device, num_epochs=3, lr=0.5)
    print("device:", device, "losses:", [round(loss, 4) for loss in losses])
    print("accuracy:", accuracy_on(model, loader, device))
