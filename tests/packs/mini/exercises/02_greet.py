"""Write greet(name) returning "Hello, NAME!"."""


def greet(name):
    # TODO
    raise NotImplementedError
