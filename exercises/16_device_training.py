"""16 · A training loop for any device  (book: A.9.2 "Single-GPU training")

The book turns the training loop of A.7 into one that runs on a GPU by adding three
things: a device, model.to(device) once, and features.to(device), labels.to(device)
for every batch. The same code then runs on CUDA, on Apple's MPS or on the CPU:

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

Everything that meets in one operation must be on that device: the model's parameters
and the features (in the forward pass), the logits and the labels (in the loss, and in
the comparison that counts correct predictions). A label left on the CPU works on a
laptop and stops the GPU run with "Expected all tensors to be on the same device".

Write:

    train_on(model, loader, device, num_epochs=2, lr=0.1)
                     -> moves the model to `device`, then trains it as in exercise 13 (SGD
                        at `lr`, F.cross_entropy on the logits, model.train(); zero_grad,
                        backward, step for every batch), each batch moved to `device`.
                        Returns the loss of every batch as a Python float.
    accuracy_on(model, loader, device)
                     -> the fraction of examples the model gets right, as a Python float,
                        computed on `device` (model and batches there), in eval mode,
                        without a graph

`device` may be a string ("cpu", "cuda") or a torch.device. Run the file to train the
book's toy network on the best device of your machine.

Save the file: the dojo checks it. Stuck? `torch-dojo hint 16`.
"""

import torch
import torch.nn.functional as F  # noqa: F401


def train_on(model, loader, device, num_epochs=2, lr=0.1):
    """Train on `device`; return every batch's loss as a float."""
    # TODO: the model to the device once; every batch to the device; then the usual steps.
    raise NotImplementedError


def accuracy_on(model, loader, device):
    """Fraction of examples right, computed on `device`."""
    # TODO
    raise NotImplementedError


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
