"""coding-advisor: a career advisor for medical-coding students, on Discord and in the terminal."""

__version__ = "0.1.0"
