# The two commands that matter: `make run` (the demo) and `make test` (the whole suite).
.PHONY: run test lint bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)

# Seeds a large operation into a throwaway PostgreSQL, serves it with gunicorn and Celery, and
# measures (benchmarks/run.py). A smaller size: make bench BENCH_ARGS="--scale 0.05"
bench:
	bash scripts/bench.sh $(BENCH_ARGS)

lint:
	.venv/bin/ruff check .
