"""Where the package's own files are: its folder, its data and its grammars.

os.path, not pathlib: the command line finds these on every start, and pathlib's import is a tenth of a
one-shot run.
"""

from __future__ import annotations

import os

PACKAGE = os.path.dirname(os.path.realpath(__file__))
DATA = os.path.join(PACKAGE, "data")


def grammar_dir() -> str:
    """The folder holding query.lark: inside the installed package (a wheel carries it there), else the
    source checkout's (an editable install reads it from the tree)."""
    packaged = os.path.join(PACKAGE, "grammars")
    checkout = os.path.join(os.path.dirname(os.path.dirname(PACKAGE)), "grammars")
    for folder in (packaged, checkout):
        if os.path.isfile(os.path.join(folder, "query.lark")):
            return folder
    raise FileNotFoundError(f"query.lark not found in {packaged} or {checkout}")
