"""The project's own settings, in the environment a test run gives them: the project
refuses the development SECRET_KEY with DEBUG off, as in production, so the suite
brings a key of its own (inherited by the servers and commands it starts)."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))

from config.settings import *  # noqa: F403

# Tests hash many passwords; the production hasher takes a deliberate 0.3 s for each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
