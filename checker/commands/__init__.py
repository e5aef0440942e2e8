"""CLI command groups; each module exposes `register(app)` and only parses options and prints."""
