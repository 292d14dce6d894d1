"""``python -m bot`` is ``connects-bot``."""

import sys

from bot.cli import main

sys.exit(main())
