"""The preview stage: a local page that shows the book as the brief is edited.

Takes: a brief and its project. Gives: a server bound to 127.0.0.1 (``server``), its pages and
event stream (``app``, ``pages``), one render at a time per change (``session``, ``watch``).
"""
