"""`python -m queryrouter` works like the `queryrouter` command."""

import sys

from .cli import main

sys.exit(main())
