"""What the tests and the benchmarks share: simulated pupils and teachers
(pupils.py, over webclient.py), the answer solver (solver.py, right and wrong
answers built from the content), production-like servers (servers.py), the
class seeder (seed_classes.py) and the database checks after a run
(checks.py). Not part of the app: it is not shipped in the wheel.

Both import it from the repository root: pytest puts the root on the path
(`pythonpath` in pyproject.toml), and each bench script does.
"""
