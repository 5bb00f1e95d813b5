"""Machine assistance, offline: code suggestions learned from the project's own codings, the queue of what to code next, evaluation as a second coder, concept discovery."""
