"""晋中民生问答: a resident-facing policy question-answering bot."""
