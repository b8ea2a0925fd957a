"""The global random generators' states, for judged mode: torch's, Python's and NumPy's.

Both processes read them before and after every request (``judged.client``,
``judged.learner_server``) and send them when they moved, so that a check that seeds and
then calls the learner's code sees the same numbers drawn as one process would.
"""

from __future__ import annotations

import array
import ctypes
import random
import struct
import sys

PYTHON_STATE_BYTES = 625 * array.array("I").itemsize  # random.getstate()'s numbers
_POS = struct.Struct("=i")


def rng_state() -> tuple:
    """The states of torch's, Python's and NumPy's global generators, as plain values (None
    for a library not imported here)."""
    torch, np = sys.modules.get("torch"), sys.modules.get("numpy")
    torch_state = torch.get_rng_state().numpy().tobytes() if torch is not None else None
    numpy_state = _numpy_state(np) if np is not None else None
    version, internal, gauss = random.getstate()
    # Python's 625 numbers as one bytes value: read and written as one, not as 625 values.
    return (torch_state, (version, array.array("I", internal).tobytes(), gauss), numpy_state)


# NumPy's global generator: its Mersenne Twister's words and position as they lie in memory
# (``BitGenerator.ctypes.state_address``, about 1 µs), then the state as ``get_state`` gives it
# (40 µs: it is read before and after every request). The words tell whether the state moved,
# unless a normal value is cached (``has_gauss``): taking it moves nothing else, so the whole
# state is read then. (Not seen: ``set_state`` to the same words with a cached normal added.)
_MT_BYTES = 624 * 4 + 4  # mt19937_state: uint32 key[624]; int pos
_numpy_seen: list = [None, None]  # [the words in memory, the state read with them]


def _numpy_state(np) -> tuple:
    words = None
    try:
        words = ctypes.string_at(np.random.mtrand._rand._bit_generator.ctypes.state_address, _MT_BYTES)
    except Exception:  # noqa: BLE001 - another NumPy: the whole state, every time
        pass
    if words is not None and words == _numpy_seen[0] and _numpy_seen[1][3] == 0:
        return _numpy_seen[1]
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    state = (name, keys.tobytes(), int(pos), int(has_gauss), float(cached))
    _numpy_seen[:] = [words if words == state[1] + _POS.pack(state[2]) else None, state]
    return state


def set_rng_state(state: tuple, load: bool) -> None:
    """Set the generators to ``state``; ``load``: import torch or NumPy for their part."""
    torch_state, (version, internal, gauss), numpy_state = state
    if type(internal) is not bytes or len(internal) != PYTHON_STATE_BYTES:
        raise ValueError("a Python generator state of the wrong size")
    random.setstate((version, tuple(array.array("I", internal)), gauss))
    if torch_state is not None and (load or "torch" in sys.modules):
        import torch

        if type(torch_state) is not bytes or len(torch_state) != torch.get_rng_state().numel():
            raise ValueError("a torch generator state of the wrong size")
        torch.set_rng_state(torch.frombuffer(bytearray(torch_state), dtype=torch.uint8))
    if numpy_state is not None and (load or "numpy" in sys.modules):
        import numpy as np

        name, keys, pos, has_gauss, cached = numpy_state
        if type(keys) is not bytes or len(keys) != 624 * 4:
            raise ValueError("a NumPy generator state of the wrong size")
        np.random.set_state((name, np.frombuffer(keys, dtype=np.uint32).copy(), pos, has_gauss, cached))
        _numpy_seen[:] = [None, None]  # the same words may come with a cached normal now
