"""python -m quizapp.content [--topic ID ...]: the same check as `flask --app quizapp content check`.

Content writers can limit the check to their own topics with --topic.
"""
import argparse
import sys

from .check import run_check

parser = argparse.ArgumentParser(prog="python -m quizapp.content")
parser.add_argument("--topic", action="append", default=[], help="check only this topic (repeatable)")
args = parser.parse_args()
sys.exit(run_check({}, only_topics=args.topic))
