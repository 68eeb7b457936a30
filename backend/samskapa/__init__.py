"""Samskapa: a real-time co-creation board for mission-oriented innovation workshops."""

__version__ = "0.1.0"
