"""Scale a list: `scale(xs, k)` gives every number of `xs` times `k`; `total(xs)` their sum."""


def scale(xs, k):
    return [x * k for x in xs]


def total(xs):
    return sum(xs)
