"""Renderers: pure functions from the model to plain data or text, one module per target."""
