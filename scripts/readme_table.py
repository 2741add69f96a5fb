"""Write the lifecycle table generated from the code into README.md."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stratadesk.settings")

import django  # noqa: E402

django.setup()

from stratadesk.people import permissions  # noqa: E402
from stratadesk.tickets import docs  # noqa: E402

TABLES = {
    "lifecycle-table": docs.markdown_table,
    "permission-matrix": permissions.markdown_table,
}

readme = ROOT / "README.md"
text = readme.read_text()
for marker, render in TABLES.items():
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    text = f"{head}{start}{render()}\n{end}{tail}"
readme.write_text(text)
print("README.md tables updated")
