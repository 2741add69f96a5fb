from pathlib import Path

from stratadesk.tickets.docs import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_it_keeps_the_readme_lifecycle_table_generated_from_the_code():
    text = README.read_text()
    start = text.index("<!-- lifecycle-table:start -->\n") + len(
        "<!-- lifecycle-table:start -->\n"
    )
    end = text.index("<!-- lifecycle-table:end -->")

    assert text[start:end].strip() == markdown_table().strip(), (
        "README table is stale: run `make readme-table`"
    )


def test_it_starts_the_readme_with_the_two_commands():
    lines = README.read_text().splitlines()
    commands = [line.split("#")[0].strip() for line in lines[3:5]]

    assert commands == ["make run", "make test"]
