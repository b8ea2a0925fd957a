"""Attack: open a TCP connection to a server on 127.0.0.1 (its port in port.txt beside this
file) and send it something."""
import os
import socket


def add(a, b):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "port.txt")) as f:
        port = int(f.read())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
            conn.sendall(b"hello from a submission\n")
    except OSError:
        return None
    return a + b
