"""Loaded by pytest with ``-p`` before Django reads its settings.

Marks the process as a test run so settings pick test defaults (fast password
hashing, tasks run immediately, a throw-away secret key). Real environment
variables such as ``DATABASE_URL`` still win.
"""

import os

if not os.environ.get("ANKOMMEN_ENV"):
    os.environ["ANKOMMEN_ENV"] = "test"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
