"""Write pid(): the id of the process your code runs in."""


def pid():
    raise NotImplementedError
