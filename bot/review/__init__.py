"""Review of logged questions: the queue of what went wrong, labelling, export and statistics."""
