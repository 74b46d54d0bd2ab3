"""The FuturaTickets specs (a package, so that mypy follows the imports between modules)."""
