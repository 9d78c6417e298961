"""The benchmark harness (`scripts/bench`): not product code, never imported by the portal."""
