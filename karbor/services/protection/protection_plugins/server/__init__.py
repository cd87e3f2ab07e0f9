"""Protection of Nova servers."""
