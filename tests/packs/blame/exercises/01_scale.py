"""Scale a list: `scale(xs, k)` gives every number of `xs` times `k`; `total(xs)` their sum."""


def scale(xs, k):
    raise NotImplementedError


def total(xs):
    raise NotImplementedError
