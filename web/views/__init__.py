"""Page views by area: home, account, observe, coordinate, desk, dashboard, citations, packets, downloads."""
