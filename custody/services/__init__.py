"""Writes of the custody app: intake, release, person merge (`intake`, `merge`), the hotline log
and the custody board (`hotline`, `board`). Pages, the API, commands and tasks all call these."""
