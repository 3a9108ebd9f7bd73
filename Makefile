# The two commands that matter: `make run` (the demo) and `make test` (the whole suite).
.PHONY: run test lint

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
