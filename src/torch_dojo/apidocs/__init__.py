"""The docs in the loop: PyTorch's own documentation of the APIs an exercise teaches.

    names.py     the exercise's ``docs`` field in pack.toml: dotted names, and what each needs
    lookup.py    the docs of those names, from the installed torch (asked in a probe
                 process), cached per torch version (cache.py)
    markdown.py  a PyTorch docstring (reStructuredText-ish) as Markdown
    page.py      an exercise's docs as one Markdown page, or JSON: what the CLI and the TUI show

Nothing here imports torch: the runner's probe process does. This module imports nothing,
so that ``pack`` may use ``names`` without loading the rest.
"""
