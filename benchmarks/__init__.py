"""Benchmarks of k2 against the floor, the standard library and the official SDK."""
