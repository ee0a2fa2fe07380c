"""cxzy — an event-sourced tracker for 创先争优 campaigns."""

__version__ = "0.1.0"
