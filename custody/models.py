"""Models of the custody app (see the package docstring)."""
