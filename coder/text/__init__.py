"""Text in: decoding, normalisation, transcript structure, readers, and (later) NLP and search."""
