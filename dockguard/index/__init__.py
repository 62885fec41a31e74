"""Candidate retrieval: which registered works a release might copy, before any verification."""
