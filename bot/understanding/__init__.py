"""Understanding: normalise a question, match it to intents, decide what to do."""
