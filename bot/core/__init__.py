"""The pure core: knowledge, search, earnings and replies. Nothing below here imports discord."""
