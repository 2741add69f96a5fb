#!/usr/bin/env python
"""Developer shortcut; the installed `stratadesk` command does the same."""

from stratadesk.cli import main

if __name__ == "__main__":
    main()
