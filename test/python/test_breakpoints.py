"""Hit conditions, condition compiling and breakpoint lines: pure parts of the agent."""
import unittest
from types import SimpleNamespace

from pdap.breakpoints import compile_condition, condition_problem, parse_hit_condition
from pdap.evaluation import MAX_SOURCE_CHARS


def hits_that_pass(text: str, upto: int = 12) -> list:
    test = parse_hit_condition(text)
    return [n for n in range(1, upto + 1) if test(n)]


class HitConditions(unittest.TestCase):
    def test_a_number_is_that_hit_only(self) -> None:
        self.assertEqual(hits_that_pass("5"), [5])
        self.assertEqual(hits_that_pass("== 5"), [5])

    def test_comparisons(self) -> None:
        self.assertEqual(hits_that_pass(">= 10"), [10, 11, 12])
        self.assertEqual(hits_that_pass("> 10"), [11, 12])
        self.assertEqual(hits_that_pass("< 3"), [1, 2])
        self.assertEqual(hits_that_pass("<= 3"), [1, 2, 3])

    def test_every_nth(self) -> None:
        self.assertEqual(hits_that_pass("% 4"), [4, 8, 12])
        self.assertEqual(hits_that_pass("% 0"), [], "every 0th hit is never, not a ZeroDivisionError")

    def test_nonsense_is_refused_with_the_forms_that_work(self) -> None:
        for text in ("", "five", "=< 3", "5 5", "% -2"):
            with self.subTest(text=text):
                with self.assertRaises(ValueError) as caught:
                    parse_hit_condition(text)
                self.assertIn("% N", str(caught.exception))


def breakpoint_with(condition: str = "", hit_condition: str = "") -> SimpleNamespace:
    return SimpleNamespace(condition=condition, hit_condition=hit_condition, condition_code=None,
                           hit_test=None, verified=True, message=None)


class CompileCondition(unittest.TestCase):
    def test_a_valid_condition_is_compiled_once_for_eval(self) -> None:
        bp = breakpoint_with("i == 7")
        compile_condition(bp)
        self.assertTrue(bp.verified)
        self.assertTrue(eval(bp.condition_code, {}, {"i": 7}))
        self.assertFalse(eval(bp.condition_code, {}, {"i": 6}))

    def test_a_syntax_error_unverifies_with_the_reason(self) -> None:
        bp = breakpoint_with("i ==")
        compile_condition(bp)
        self.assertFalse(bp.verified)
        self.assertRegex(bp.message, r"^invalid condition 'i ==': SyntaxError")

    def test_a_statement_is_not_a_condition(self) -> None:
        bp = breakpoint_with("x = 1")
        compile_condition(bp)
        self.assertFalse(bp.verified)

    def test_an_oversized_condition_is_refused_before_compiling(self) -> None:
        text = "1 + " * MAX_SOURCE_CHARS + "1"
        self.assertIsNotNone(condition_problem(text))
        bp = breakpoint_with(text)
        compile_condition(bp)
        self.assertFalse(bp.verified)
        self.assertIn("characters long", bp.message)
        self.assertLess(len(bp.message), 400, "the message quotes a bounded part of the condition")

    def test_deep_nesting_is_an_error_not_a_crash(self) -> None:
        bp = breakpoint_with("(" * 5000 + ")" * 5000)
        compile_condition(bp)
        self.assertFalse(bp.verified)

    def test_a_bad_hit_condition_unverifies(self) -> None:
        bp = breakpoint_with(hit_condition="often")
        compile_condition(bp)
        self.assertFalse(bp.verified)
        self.assertIn("invalid hit condition", bp.message)


if __name__ == "__main__":
    unittest.main()
