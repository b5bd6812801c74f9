"""Models of the claims app (see the package docstring)."""
