"""Write answer(): 42."""


def answer():
    raise NotImplementedError
