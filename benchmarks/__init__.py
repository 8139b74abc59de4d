"""Reproducible benchmarks (see docs/benchmarks.md). Never timed assertions in tests."""
