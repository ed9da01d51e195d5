"""Live updates: the knowledge watcher and reloader, and the pinned FAQs kept current."""
