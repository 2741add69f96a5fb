from pathlib import Path

import pytest

from stratadesk.people import permissions
from stratadesk.tickets import docs

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(
    ("marker", "render"),
    [
        ("lifecycle-table", docs.markdown_table),
        ("permission-matrix", permissions.markdown_table),
    ],
)
def test_it_keeps_the_readme_tables_generated_from_the_code(marker, render):
    text = README.read_text()
    start = text.index(f"<!-- {marker}:start -->\n") + len(f"<!-- {marker}:start -->\n")
    end = text.index(f"<!-- {marker}:end -->")

    assert text[start:end].strip() == render().strip(), (
        "README table is stale: run `make readme-table`"
    )


def test_it_starts_the_readme_with_the_two_commands():
    lines = README.read_text().splitlines()
    commands = [line.split("#")[0].strip() for line in lines[3:5]]

    assert commands == ["make run", "make test"]
