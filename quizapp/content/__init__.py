"""Lessons and question banks: read-only data, loaded once at start-up."""
from __future__ import annotations

from flask import Flask, current_app

from ..paths import asset_dir
from .loader import Content, ContentInvalid, Module, load_content, module_id

__all__ = ["Content", "ContentInvalid", "Module", "get_content", "init_app", "load_from_config", "module_id"]

_EXT_KEY = "quizapp.content"


def load_from_config(config, only_topics=()) -> Content:
    return load_content(
        config.get("LESSONS_DIR") or asset_dir("lessons"),
        config.get("QUESTION_BANKS_DIR") or asset_dir("question_banks"),
        config.get("STATIC_DIR") or asset_dir("static"),
        only_topics,
    )


def init_app(app: Flask) -> None:
    """Load and validate all content; a broken file stops the app starting."""
    app.extensions[_EXT_KEY] = load_from_config(app.config)


def get_content() -> Content:
    return current_app.extensions[_EXT_KEY]
