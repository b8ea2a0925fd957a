"""Right, written another way: methods and unsqueeze instead of operators and None.

Must pass every check.
"""


def standardize(x):
    return x.sub(x.mean(0)).div(x.std(0))


def pairwise_differences(a):
    return a.unsqueeze(1) - a.unsqueeze(0)
