"""The request class: JSON the app cannot parse is a 400, whatever the reason.

Python's json module raises RecursionError (not ValueError) for deeply nested
input such as 2 KB of "[[[[...": Werkzeug would let that through as a 500
with a long traceback in the log, for a request anyone can send without
signing in. Here it is treated like any other unreadable JSON.
"""
from __future__ import annotations

from flask import Request
from werkzeug.exceptions import BadRequest


class QuizappRequest(Request):
    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON could not be read.") from None
