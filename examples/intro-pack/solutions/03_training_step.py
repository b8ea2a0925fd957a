import torch
import torch.nn.functional as F


def train_step(model, optimizer, features, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(features), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


if __name__ == "__main__":
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    features = torch.randn(16, 2)
    labels = (features[:, 0] > 0).long()
    for step in range(10):
        print(step, train_step(model, optimizer, features, labels))
