import torch


def standardize(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def pairwise_differences(a):
    return a[:, None] - a[None, :]


if __name__ == "__main__":
    x = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    print(standardize(x))
    print(pairwise_differences(torch.tensor([1.0, 4.0, 9.0])))
