"""Hatch build hook: ship the embedded glossary expanded and the plans of common shapes freshly built.

- The repository commits ``src/queryrouter/data/glossary.sqlite.xz`` (about 12 MB) instead of the 43 MB
  SQLite file; the hook expands it next to the ``.xz`` (git-ignored), where ``queryrouter.lexicon`` looks
  for it in an editable install, and a wheel gets that plain file, so an installed queryrouter never
  decompresses or writes anything at run time.
- The plans of common query shapes (``data/plans.txt``) are a build product: learned by
  ``scripts/build_plans.py`` from the code being installed, so they always match it, and never committed.
  The build environment needs queryrouter's own dependencies for that (``[build-system] requires``).
"""

from __future__ import annotations

import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DATA = Path("src/queryrouter/data")
PACKED = DATA / "glossary.sqlite.xz"
PLANS = DATA / "plans.txt"


def expand(packed: Path, target: Path) -> None:
    """Decompress ``packed`` to ``target`` unless an up-to-date copy is already there."""
    if target.exists() and target.stat().st_mtime >= packed.stat().st_mtime:
        return
    partial = target.with_name(target.name + ".partial")
    with lzma.open(packed) as source, partial.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1 << 20)
    partial.replace(target)


def build_plans(root: Path, target: Path) -> None:
    """Run scripts/build_plans.py on the source tree being built (its own process: it imports the package)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    partial = target.with_name(target.name + ".partial")
    subprocess.run([sys.executable, str(root / "scripts" / "build_plans.py"), "--output", str(partial)],
                   check=True, env=env, cwd=root)
    partial.replace(target)


class GlossaryBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Adds the expanded glossary and the built plans to wheels; puts them in place for editable installs."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        expand(root / PACKED, root / PACKED.with_suffix(""))
        build_plans(root, root / PLANS)
        if version != "editable":
            build_data["force_include"][str(root / PACKED.with_suffix(""))] = "queryrouter/data/glossary.sqlite"
            build_data["force_include"][str(root / PLANS)] = "queryrouter/data/plans.txt"
