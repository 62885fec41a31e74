"""Bytes before any format: size limits, zip and folder members in episode order, episode numbers in
file names, and text encodings (UTF-8, UTF-16, GB18030, Big5)."""
