"""Wrong on purpose: divides by the population standard deviation (n, not n - 1).

Must fail: "standardize scales each column".
Says: "correction=0".
"""


def standardize(x):
    return (x - x.mean(dim=0)) / x.std(dim=0, correction=0)


def pairwise_differences(a):
    return a[:, None] - a[None, :]
