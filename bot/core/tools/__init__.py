"""Decision tools beyond the FAQ: pure functions over numbers and the knowledge base's rules.

audit_risk      the chance a random accuracy audit fails, exact binomial
credential_fit  which credential fits a setting, experience and goal (rules in YAML)
course_check    what a course offers against what a credential needs (criteria in YAML)
"""


class ToolInputError(ValueError):
    """An input a tool cannot take; the message names it and says what to give instead."""
