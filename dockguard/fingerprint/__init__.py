"""Same-language fingerprints: shingles of canonical text and their MinHash signatures."""
