"""Infrastructure at the bottom of the project: no domain app is imported from here."""
