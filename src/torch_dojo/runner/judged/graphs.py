"""A tensor the learner's code computed with a graph, as the judge holds it (judged mode)."""

from __future__ import annotations

from typing import Any

import torch


class GraphTensor(torch.Tensor):
    """A tensor the learner's code computed with a graph. Its values are here; its graph
    (``grad_fn``, ``is_leaf``, ``backward()``) stays in the learner's process. An operation
    on it computes here, with the judge's torch; when its result has a graph, the same
    operation also runs there, so that the result's graph (and ``backward()``) goes on
    from the learner's graph. Values always come from here."""

    _dojo_graph = True

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        with torch._C.DisableTorchFunctionSubclass():
            result = func(*args, **kwargs)
        if not (type(result) is torch.Tensor and result.grad_fn is not None and torch.is_grad_enabled()):
            return result
        remote = next((a for a in _flat(args, kwargs) if type(a) is GraphTensor), None)
        try:
            shadow = object.__getattribute__(remote._dojo_remote, "_dojo_client").request(
                "call", func, args, tuple(kwargs.items()))
        except Exception:  # noqa: BLE001 - an operation the learner's process cannot repeat: values only
            return result
        if type(shadow) is not GraphTensor:
            return result
        return _graph_tensor(result, shadow._dojo_remote)

    @property
    def grad_fn(self):
        return self._dojo_remote.grad_fn

    @property
    def is_leaf(self) -> bool:
        return False

    @property
    def grad(self):
        return self._dojo_remote.grad

    def backward(self, *args: Any, **kwargs: Any) -> None:
        self._dojo_remote.backward(*args, **kwargs)

    def retain_grad(self) -> None:
        self._dojo_remote.retain_grad()


def _graph_tensor(value: torch.Tensor, proxy: Any) -> GraphTensor:
    with torch._C.DisableTorchFunctionSubclass():
        tensor = torch.Tensor._make_subclass(GraphTensor, value.detach(), True)
    tensor._dojo_remote = proxy
    tensor._dojo_id = object.__getattribute__(proxy, "_dojo_id")
    return tensor


def _flat(args: tuple, kwargs: dict):
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, (list, tuple)):
            yield from value
        else:
            yield value
