"""Wrong on purpose: standardizes each row (dim=1) instead of each column.

Must fail: "standardize scales each column".
Passes: "pairwise_differences gives every pair's difference".
Says: "each row, not each column".
"""


def standardize(x):
    return (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)


def pairwise_differences(a):
    return a[:, None] - a[None, :]
