"""How the docs checkers (check_quotes.py, check_outputs.py, check_derivative_table.py) end."""


def verdict(problems, summary, hint=None):
    """Prints each problem, then the summary line, then the hint if there are problems.
    Returns the exit code: 1 if there are problems, else 0."""
    for p in problems:
        print(p)
    print(summary)
    if problems and hint:
        print(hint)
    return 1 if problems else 0
