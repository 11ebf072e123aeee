"""Answers for people: terminal and Telegram."""
