"""Discord's limits, defined once, and how long a student's question may be.

Everything that fits text into Discord (the knowledge model's checks, the replies, the embeds, the
views and the slash-command options) takes its sizes from here. The earnings calculator's bounds
are not Discord's: they live with the maths, in bot/core/earnings.py LIMITS.

Discord: https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
https://discord.com/developers/docs/interactions/application-commands (option values up to 6,000)
and https://discord.com/developers/docs/components/reference.
"""

from __future__ import annotations

EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FIELDS_MAX = 25
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
MESSAGE_CONTENT_MAX = 2000
CHOICE_NAME_MAX = 100  # an autocomplete choice's name, and its value
CHOICES_MAX = 25  # autocomplete choices per response
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100  # a select option's label, value and description
BUTTON_LABEL_MAX = 80
BUTTONS_PER_ROW = 5

# Students' stories run past 500 characters before the question; Discord allows 6,000.
QUESTION_MAX = 2000
