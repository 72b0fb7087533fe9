#!/usr/bin/env python3
"""Build the coverage briefs of one rakor: `python build.py [params/<meeting>.yml]`.

See README.md; the work is done by the `briefs` package (briefs/cli.py).
"""

import sys

from briefs.cli import main

if __name__ == "__main__":
    sys.exit(main())
