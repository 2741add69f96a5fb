# One command per routine task, used the same way locally and in CI.
.PHONY: run test setup lint format bench clean lock readme-table

run: setup
	@scripts/run.sh

test: setup
	@scripts/test.sh

setup:
	@scripts/setup.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: setup
	.venv/bin/python scripts/bench.py
	.venv/bin/python scripts/bench_api.py
	.venv/bin/python scripts/bench_sla.py
	.venv/bin/python scripts/bench_ledger.py

clean:
	rm -rf var .pytest_cache .ruff_cache

lock: setup
	.venv/bin/python -m pip install --quiet -e '.[dev]'
	( echo "# Exact versions CI installs. Regenerate after changing pyproject.toml: make lock"; \
	  .venv/bin/python -m pip freeze --exclude-editable ) > constraints.txt

# Regenerate the lifecycle table in the README from stratadesk/tickets/lifecycle.py.
readme-table: setup
	.venv/bin/python scripts/readme_table.py
