"""Hatch build hook: ship the embedded glossary expanded, keep the repository lean.

The repository commits ``src/queryrouter/data/glossary.sqlite.xz`` (about 12 MB) instead of the
43 MB SQLite file. A wheel gets the plain file, so an installed queryrouter never decompresses or
writes anything at run time. An editable install expands it once next to the ``.xz`` (git-ignored),
which is where ``queryrouter.lexicon`` looks for it.
"""

from __future__ import annotations

import lzma
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKED = Path("src/queryrouter/data/glossary.sqlite.xz")
IN_WHEEL = "queryrouter/data/glossary.sqlite"


def expand(packed: Path, target: Path) -> None:
    """Decompress ``packed`` to ``target`` unless an up-to-date copy is already there."""
    if target.exists() and target.stat().st_mtime >= packed.stat().st_mtime:
        return
    partial = target.with_name(target.name + ".partial")
    with lzma.open(packed) as source, partial.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)
    partial.replace(target)


class GlossaryBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Adds the expanded glossary to wheels; expands it in place for editable installs."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        packed = Path(self.root) / PACKED
        if version == "editable":
            expand(packed, packed.with_suffix(""))
            return
        self._scratch = Path(tempfile.mkdtemp(prefix="queryrouter-glossary-"))
        target = self._scratch / "glossary.sqlite"
        expand(packed, target)
        build_data["force_include"][str(target)] = IN_WHEEL

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
