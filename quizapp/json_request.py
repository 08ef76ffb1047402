"""The request class: JSON the app cannot parse is a 400, whatever the reason;
photo uploads may be bigger than other requests.

Python's json module raises RecursionError (not ValueError) for deeply nested
input such as 2 KB of "[[[[...": Werkzeug would let that through as a 500
with a long traceback in the log, for a request anyone can send without
signing in. Here it is treated like any other unreadable JSON.
"""
from __future__ import annotations

from flask import Request
from werkzeug.exceptions import BadRequest

# Endpoints that take a photo (up to 5 MB, services/safe_adults.py) may have a
# bigger body than the app's usual MAX_CONTENT_LENGTH, so that a photo that is
# too big gets the form's own message, with nothing typed lost.
UPLOAD_ENDPOINTS = {"school_admin.safe_adults_page", "school_admin.edit_safe_adult"}
UPLOAD_MAX_BYTES = 12 * 1024 * 1024


class QuizappRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self.url_rule is not None and self.url_rule.endpoint in UPLOAD_ENDPOINTS:
            return UPLOAD_MAX_BYTES
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON could not be read.") from None
