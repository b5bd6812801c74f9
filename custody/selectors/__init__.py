"""Reads of the custody app: likely duplicates, the board, the hotline log, scoped by the
`*_visible_to` selectors."""
