"""aipm-coach: practise AI Product Manager interview answers."""

__version__ = "0.1.0"
