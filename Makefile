# Thin wrappers around ./dev, which works without make too.
.PHONY: run test setup lint typecheck ci fmt
run:
	./dev run
test:
	./dev test
setup:
	./dev setup
lint:
	./dev lint
typecheck:
	.venv/bin/mypy
fmt:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
ci:
	bash .ci/run
