"""Benchmarks of ankommen (see bench/README.md)."""
