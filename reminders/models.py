"""Models of the reminders app (see the package docstring)."""
