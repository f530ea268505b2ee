"""Channels turn messages into questions and `Answer`s into their own format."""
