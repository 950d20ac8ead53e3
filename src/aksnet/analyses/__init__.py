"""One module per question (trace, curl, matrix, explain, diff, plan, lint): pure functions of the twin."""
