"""Executable lines of a source: where a breakpoint on a line really stops."""
import os
import tempfile
import textwrap
import unittest

from pdap.sources import SourceLines

PROGRAM = textwrap.dedent('''\
    """docstring"""

    # a comment
    def f(x):
        # inside
        return x + 1


    total = 0
    for i in range(3):
        total += f(i)
    ''').encode()


class BreakpointLines(unittest.TestCase):
    def setUp(self) -> None:
        self.lines = SourceLines("/nowhere/app.py", PROGRAM)

    def test_an_executable_line_is_itself(self) -> None:
        self.assertIsNone(self.lines.error)
        self.assertEqual(self.lines.resolve(6), 6)
        self.assertEqual(self.lines.resolve(9), 9)

    def test_a_comment_or_blank_line_moves_to_the_next_executable_line(self) -> None:
        self.assertEqual(self.lines.resolve(3), 4)
        self.assertEqual(self.lines.resolve(5), 6)
        self.assertEqual(self.lines.resolve(7), 9)

    def test_past_the_last_line_there_is_none(self) -> None:
        self.assertIsNone(self.lines.resolve(40))

    def test_a_file_that_does_not_compile_says_why(self) -> None:
        broken = SourceLines("/nowhere/broken.py", b"def f(:\n")
        self.assertIsNone(broken.resolve(1))
        self.assertIn("cannot compile broken.py", broken.error or "")

    def test_a_missing_file_is_pending_not_an_error_of_the_program(self) -> None:
        missing = SourceLines(os.path.join(tempfile.gettempdir(), "pdap-no-such-file.py"))
        self.assertTrue(missing.missing)
        self.assertIn("verified when code from it runs", missing.error or "")


if __name__ == "__main__":
    unittest.main()
