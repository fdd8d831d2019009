"""Helpers that need no Django: check characters, phone numbers, password classes, env parsing."""
