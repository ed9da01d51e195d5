"""Limits defined once: Discord's documented sizes, and how long a student's question may be.

Discord: https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
https://discord.com/developers/docs/interactions/application-commands (option values up to 6,000).
"""

from __future__ import annotations

EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
MESSAGE_CONTENT_MAX = 2000
CHOICE_NAME_MAX = 100
CHOICES_MAX = 25  # autocomplete choices per response
SELECT_OPTIONS_MAX = 25
BUTTON_LABEL_MAX = 80
BUTTONS_PER_ROW = 5

# Students' stories run past 500 characters before the question; Discord allows 6,000.
QUESTION_MAX = 2000
