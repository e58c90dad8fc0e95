"""What test modules share and no single one of them owns. No test module imports
another: what two of them need lives here (fixtures live in the conftest.py files)."""

from pathlib import Path

# The checkout: manage.py, config/ and deploy/, for the processes a test starts there.
ROOT = Path(__file__).resolve().parent.parent
