"""Wrong on purpose: changes the caller's tensor in place.

Must fail: "standardize leaves x unchanged".
Passes: "standardize scales each column".
Says: "changed x itself".
"""


def standardize(x):
    x -= x.mean(dim=0)
    x /= x.std(dim=0)
    return x


def pairwise_differences(a):
    return a[:, None] - a[None, :]
