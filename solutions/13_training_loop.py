"""Reference solution: 13 training_loop (book A.6–A.8)."""

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


class NeuralNetwork(torch.nn.Module):
    """Listing A.4, as in exercise 09."""

    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(num_inputs, 30),
            torch.nn.ReLU(),
            torch.nn.Linear(30, 20),
            torch.nn.ReLU(),
            torch.nn.Linear(20, num_outputs),
        )

    def forward(self, x):
        return self.layers(x)


class ToyDataset(Dataset):
    def __init__(self, X, y):
        self.features = X
        self.labels = y

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return self.labels.shape[0]


def make_loaders(train_ds, test_ds, batch_size=2):
    train_loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True, drop_last=True)
    test_loader = DataLoader(test_ds, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader


def train(model, train_loader, num_epochs=3, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(num_epochs):
        model.train()
        for features, labels in train_loader:
            logits = model(features)
            loss = F.cross_entropy(logits, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def compute_accuracy(model, dataloader):
    model.eval()
    correct = 0
    total_examples = 0
    with torch.no_grad():
        for features, labels in dataloader:
            logits = model(features)
            predictions = torch.argmax(logits, dim=1)
            correct += (predictions == labels).sum().item()
            total_examples += len(labels)
    return correct / total_examples


if __name__ == "__main__":
    X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
    y_train = torch.tensor([0, 0, 0, 1, 1])
    X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
    y_test = torch.tensor([0, 1])
    torch.manual_seed(123)
    train_loader, test_loader = make_loaders(ToyDataset(X_train, y_train), ToyDataset(X_test, y_test))
    torch.manual_seed(123)
    model = NeuralNetwork(2, 2)
    print("losses:", [round(loss, 4) for loss in train(model, train_loader)])
    print("train accuracy:", compute_accuracy(model, train_loader))
    print("test accuracy:", compute_accuracy(model, test_loader))
