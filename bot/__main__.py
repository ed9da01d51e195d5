"""python -m bot: the same as the coding-advisor command."""

import sys

from bot.cli import main

sys.exit(main())
