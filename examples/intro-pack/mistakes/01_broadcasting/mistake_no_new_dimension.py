"""Wrong on purpose: a - a is elementwise, shape (n,), all zeros.

Must fail: "pairwise_differences gives every pair's difference".
Says: "shape (3,), expected (3, 3)".
"""


def standardize(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def pairwise_differences(a):
    return a - a
