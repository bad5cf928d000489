"""Benchmarks at national scale (issue 8): each key operation through Tongxing beside the equivalent raw SQL on the
same database, with the ratio. Run with `make bench`; the figures and how to read them are in docs/performance.md."""
