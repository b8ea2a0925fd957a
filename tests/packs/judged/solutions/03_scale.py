def scale(t, k):
    return t * k
