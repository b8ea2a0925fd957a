"""Wrong on purpose: a[j] - a[i], the table transposed.

Must fail: "pairwise_differences gives every pair's difference".
Says: "the sign is the other way round".
"""


def standardize(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)


def pairwise_differences(a):
    return a[None, :] - a[:, None]
