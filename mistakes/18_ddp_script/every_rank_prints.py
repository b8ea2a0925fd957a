"""Wrong on purpose: main prints the accuracy on every rank (as the book's listing does),
so the same lines appear once per process.

Must fail: "the script trains on 2 processes and prints the accuracy from rank 0 only".
"""

import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler


class NeuralNetwork(torch.nn.Module):
    """Listing A.4."""

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


X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
y_train = torch.tensor([0, 0, 0, 1, 1])
X_test = torch.tensor([[-0.8, 2.8], [2.6, -1.6]])
y_test = torch.tensor([0, 1])


def device():
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return torch.device("cpu")


def ddp_setup():
    rank = int(os.environ["RANK"])
    world_size = int(os.environ["WORLD_SIZE"])
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
        backend = "nccl"
    else:
        backend = "gloo"
    # torchrun also sets MASTER_ADDR and MASTER_PORT, which init_process_group reads.
    dist.init_process_group(backend=backend, rank=rank, world_size=world_size)
    return rank, world_size


def make_train_loader(dataset, batch_size=2):
    return DataLoader(dataset, batch_size=batch_size, shuffle=False, drop_last=True,
                      sampler=DistributedSampler(dataset))


def train(num_epochs=3):
    torch.manual_seed(123)
    train_loader = make_train_loader(ToyDataset(X_train, y_train))
    model = NeuralNetwork(num_inputs=2, num_outputs=2).to(device())
    on_gpu = device().type == "cuda"
    model = DDP(model, device_ids=[device().index] if on_gpu else None)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(num_epochs):
        train_loader.sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        model.train()
        for features, labels in train_loader:
            features, labels = features.to(device()), labels.to(device())
            loss = F.cross_entropy(model(features), labels)
            optimizer.zero_grad()
            loss.backward()  # DDP averages the gradients of all ranks here
            optimizer.step()
    return model.module


def compute_accuracy(model, dataloader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for features, labels in dataloader:
            features, labels = features.to(device()), labels.to(device())
            predictions = model(features).argmax(dim=1)
            correct += (predictions == labels).sum().item()
            total += labels.numel()
    return correct / total


def main():
    rank, world_size = ddp_setup()
    model = train(num_epochs=3)
    if True:
        train_acc = compute_accuracy(model, DataLoader(ToyDataset(X_train, y_train), batch_size=2))
        test_acc = compute_accuracy(model, DataLoader(ToyDataset(X_test, y_test), batch_size=2))
        print(f"Training accuracy {train_acc:.2f}")
        print(f"Test accuracy {test_acc:.2f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
