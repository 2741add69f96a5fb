"""Write the lifecycle table generated from the code into README.md."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

import django  # noqa: E402

django.setup()

from stratadesk.tickets.docs import markdown_table  # noqa: E402

START = "<!-- lifecycle-table:start -->\n"
END = "<!-- lifecycle-table:end -->"

readme = ROOT / "README.md"
text = readme.read_text()
head, rest = text.split(START, 1)
_, tail = rest.split(END, 1)
readme.write_text(f"{head}{START}{markdown_table()}\n{END}{tail}")
print("README.md lifecycle table updated")
