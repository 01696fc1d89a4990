"""Carrying a plan out against Trust Hub, recording every step as it happens."""
