"""The floor: the least a competent Django sign-up page does (DESIGN.md, "Quality targets"; docs/benchmarks.md)."""
