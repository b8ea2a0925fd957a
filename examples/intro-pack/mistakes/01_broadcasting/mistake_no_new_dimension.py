"""Wrong on purpose: a - a is elementwise, shape (n,), all zeros.

Must fail: "pairwise_differences(a)[i, j] is a[i] - a[j]".
Says: "shape (3,), expected (3, 3)".
"""


def standardize(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def pairwise_differences(a):
    return a - a
