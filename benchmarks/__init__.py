"""Benchmarks (``make bench``): figures printed and kept in docs/benchmarks.md, never asserted."""
