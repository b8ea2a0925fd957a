"""Write `double(x)`: twice `x` (broken on purpose: it does not load)."""

raise RuntimeError("broken on purpose")
