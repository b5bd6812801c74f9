"""Page forms by area."""
