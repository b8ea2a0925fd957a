"""18 · Training on two processes with DDP  (book: A.9.3, listing A.13)

This file is a script. `torchrun --nproc_per_node=2 18_ddp_script.py` starts it twice, as
two processes ("ranks"), and tells each one who it is through environment variables:
RANK (0 or 1), WORLD_SIZE (2) and LOCAL_RANK (its GPU on this machine). Each rank trains
a copy of the book's toy network on its own share of the data; DistributedDataParallel
(DDP) averages the gradients of all ranks, so the copies stay identical.

    ddp_setup()                       -> (rank, world_size), read from torchrun's environment
                                         (never typed in). Start the process group with
                                         torch.distributed.init_process_group: backend "nccl"
                                         when CUDA is available, "gloo" when not (nccl needs
                                         GPUs). On CUDA, also torch.cuda.set_device(LOCAL_RANK).
    make_train_loader(dataset, batch_size=2)
                                      -> a DataLoader whose sampler is a DistributedSampler,
                                         so each rank gets a different part of `dataset`.
                                         (A sampler and shuffle=True cannot go together.)
    train(num_epochs=3)               -> the trained model. ddp_setup() has already run. Build
                                         the loader of the toy training data with
                                         make_train_loader, wrap the model in DDP, and call
                                         train_loader.sampler.set_epoch(epoch) at the start of
                                         each epoch (or every epoch shuffles the same way).
    main()                            -> ddp_setup(), train(), then print the training and test
                                         accuracy from rank 0 only (a line with "accuracy" in
                                         it), and finally destroy_process_group().

Without a GPU it all runs on the CPU with gloo; the checks really start two (and three)
processes. Save the file: the dojo checks it. Stuck? `torch-dojo hint 18`.
"""

import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler


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
    """As in exercise 13."""

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
    """This rank's device: its own GPU (LOCAL_RANK) with CUDA, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return torch.device("cpu")


def ddp_setup():
    """Join the process group that torchrun prepared; return (rank, world_size)."""
    # TODO: read RANK and WORLD_SIZE from os.environ, pick the backend, start the group.
    raise NotImplementedError


def make_train_loader(dataset, batch_size=2):
    """A DataLoader that gives this rank its own share of `dataset`."""
    # TODO: DataLoader(..., sampler=DistributedSampler(dataset)); see the book's listing A.13.
    raise NotImplementedError


def train(num_epochs=3):
    """Train NeuralNetwork(2, 2) on the toy data with DDP (lr=0.5); return the model."""
    # TODO: the training loop of exercise 13, with the model wrapped in DDP and
    # set_epoch called on the loader's sampler at the start of every epoch.
    raise NotImplementedError


def compute_accuracy(model, dataloader):
    """Listing A.10, as in exercise 13."""
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
    """Set up, train, print the accuracies from rank 0 only, leave the process group."""
    # TODO
    raise NotImplementedError


if __name__ == "__main__":
    main()
