"""The breakpoint model, pure parts: hit conditions, condition compiling, the shared hit logic, the
one id sequence of every kind, each kind's DAP form and the client mistakes they refuse."""
import sys
import unittest
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Dict, Iterator

from pdap.breakpoints import (
    Breakpoint,
    BreakpointTable,
    LineBreakpoint,
    check_hit,
    condition_problem,
    parse_hit_condition,
)
from pdap.data_breakpoints import DataBreakpoint, DataBreakpoints, Holder, Target
from pdap.errors import BAD_ARGUMENTS, RequestError
from pdap.evaluation import MAX_SOURCE_CHARS
from pdap.function_breakpoints import FunctionBreakpoint

SOURCE = b"x = 1\n\ny = 2\n"  # lines 1 and 3 have code


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


def compiled(condition: str = "", hit_condition: str = "") -> LineBreakpoint:
    """A line breakpoint as BreakpointTable makes it once its line resolved: verified, then compiled."""
    bp = LineBreakpoint("/nowhere/app.py", 3, {"condition": condition, "hitCondition": hit_condition})
    bp.verified = True
    bp.compile_conditions()
    return bp


class CompileConditions(unittest.TestCase):
    def test_a_valid_condition_is_compiled_once_for_eval(self) -> None:
        bp = compiled("i == 7")
        self.assertTrue(bp.verified)
        self.assertTrue(eval(bp.condition_code, {}, {"i": 7}))  # type: ignore[arg-type]
        self.assertFalse(eval(bp.condition_code, {}, {"i": 6}))  # type: ignore[arg-type]

    def test_a_syntax_error_unverifies_with_the_reason(self) -> None:
        bp = compiled("i ==")
        self.assertFalse(bp.verified)
        self.assertRegex(bp.message or "", r"^invalid condition 'i ==': SyntaxError")

    def test_a_statement_is_not_a_condition(self) -> None:
        self.assertFalse(compiled("x = 1").verified)

    def test_an_oversized_condition_is_refused_before_compiling(self) -> None:
        text = "1 + " * MAX_SOURCE_CHARS + "1"
        self.assertIsNotNone(condition_problem(text))
        bp = compiled(text)
        self.assertFalse(bp.verified)
        self.assertIn("characters long", bp.message or "")
        self.assertLess(len(bp.message or ""), 400, "the message quotes a bounded part of the condition")

    def test_deep_nesting_is_an_error_not_a_crash(self) -> None:
        self.assertFalse(compiled("(" * 5000 + ")" * 5000).verified)

    def test_a_bad_hit_condition_unverifies(self) -> None:
        bp = compiled(hit_condition="often")
        self.assertFalse(bp.verified)
        self.assertIn("invalid hit condition", bp.message or "")

    def test_every_kind_compiles_the_same_way(self) -> None:
        spec = {"name": "f", "condition": "i ==", "hitCondition": "often"}
        for bp in (FunctionBreakpoint(spec), DataBreakpoint("global:m:x", None, False, spec)):
            with self.subTest(kind=type(bp).__name__):
                self.assertFalse(bp.verified)
                self.assertRegex(bp.message or "", r"^invalid condition 'i ==': SyntaxError")
        good = FunctionBreakpoint({"name": "f", "condition": "i > 1", "hitCondition": "% 2"})
        self.assertIsNotNone(good.condition_code)
        self.assertIsNotNone(good.hit_test)


def frame_with(**values: Any) -> Any:
    return SimpleNamespace(f_globals={"__name__": "app"}, f_locals=values)


class CheckHit(unittest.TestCase):
    """check_hit: one decision for every kind, whether a hit stops."""

    def test_no_condition_stops_and_counts(self) -> None:
        bp = compiled()
        self.assertEqual(check_hit(bp, frame_with()), "stop")
        self.assertEqual(check_hit(bp, frame_with()), "stop")
        self.assertEqual(bp.hits, 2)

    def test_a_false_condition_goes_on_without_counting(self) -> None:
        bp = compiled("i == 7")
        self.assertIsNone(check_hit(bp, frame_with(i=6)))
        self.assertEqual(bp.hits, 0)
        self.assertEqual(check_hit(bp, frame_with(i=7)), "stop")
        self.assertEqual(bp.hits, 1)

    def test_a_condition_known_to_hold_is_not_evaluated_again(self) -> None:
        bp = compiled("i == 7")
        self.assertEqual(check_hit(bp, frame_with(i=6), condition_held=True), "stop")
        self.assertEqual(bp.hits, 1)

    def test_the_hit_condition_sees_the_count_of_hits_whose_condition_held(self) -> None:
        bp = compiled("i % 2 == 0", "% 3")
        stops = [i for i in range(20) if check_hit(bp, frame_with(i=i)) == "stop"]
        self.assertEqual(stops, [4, 10, 16], "the 3rd, 6th and 9th even numbers")
        self.assertEqual(bp.hits, 10)

    def test_a_raising_condition_stops_with_the_error_and_does_not_count(self) -> None:
        bp = compiled("missing > 1")
        verdict = check_hit(bp, frame_with())
        self.assertEqual(verdict,
                         "error in breakpoint condition 'missing > 1': NameError: name 'missing' is not defined")
        self.assertEqual(bp.hits, 0)

    def test_function_and_data_breakpoints_decide_alike(self) -> None:
        for bp in (FunctionBreakpoint({"name": "f", "condition": "i > 2", "hitCondition": ">= 2"}),
                   DataBreakpoint("global:m:x", None, False, {"condition": "i > 2", "hitCondition": ">= 2"})):
            with self.subTest(kind=type(bp).__name__):
                verdicts = [check_hit(bp, frame_with(i=i)) for i in range(6)]
                self.assertEqual(verdicts, [None, None, None, None, "stop", "stop"])
                self.assertEqual(bp.hits, 3)


class OneIdSequence(unittest.TestCase):
    def test_every_kind_takes_the_next_id_of_one_sequence(self) -> None:
        table = BreakpointTable()
        made = [
            table.set_file("/nowhere/app.py", [{"line": 1}], SOURCE)[0],
            FunctionBreakpoint({"name": "main"}),
            DataBreakpoint("global:m:x", None, False, {}),
            table.set_file("/nowhere/other.py", [{"line": 3}], SOURCE)[0],
            FunctionBreakpoint({"name": "other"}),
        ]
        ids = [bp.id for bp in made]
        self.assertEqual(ids, list(range(ids[0], ids[0] + len(ids))), "consecutive, whatever the kind")
        for bp in made:
            self.assertIsInstance(bp, Breakpoint)

    def test_a_refused_spec_takes_no_id_from_the_next(self) -> None:
        first = FunctionBreakpoint({"name": "a"})
        with self.assertRaises(RequestError):
            FunctionBreakpoint({"name": ""})
        self.assertEqual(FunctionBreakpoint({"name": "b"}).id, first.id + 1)


class ToDap(unittest.TestCase):
    def test_a_line_breakpoint_says_where_it_snapped(self) -> None:
        bp = BreakpointTable().set_file("/nowhere/app.py", [{"line": 2}], SOURCE)[0]
        self.assertEqual(bp.to_dap(), {"id": bp.id, "verified": True, "line": 3, "source": {"path": "/nowhere/app.py"}})

    def test_an_unverified_line_breakpoint_says_why(self) -> None:
        table = BreakpointTable()
        zero, past_the_end = table.set_file("/nowhere/app.py", [{"line": 0}, {"line": 9}], SOURCE)
        self.assertEqual(zero.to_dap(), {"id": zero.id, "verified": False, "line": 0,
                                         "source": {"path": "/nowhere/app.py"},
                                         "message": "no line 0: line numbers start at 1"})
        self.assertEqual(past_the_end.to_dap()["message"], "no executable code at or after line 9")

    def test_a_logpoint_and_its_conditions_are_kept(self) -> None:
        bp = BreakpointTable().set_file("/nowhere/app.py", [{"line": 1, "logMessage": "x={x}", "condition": "x",
                                                            "hitCondition": "2"}], SOURCE)[0]
        self.assertEqual((bp.log_message, bp.condition, bp.hit_condition), ("x={x}", "x", "2"))
        self.assertIsNotNone(bp.condition_code)
        self.assertIsNotNone(bp.hit_test)

    def test_a_function_breakpoint_of_a_defined_function(self) -> None:
        bp = FunctionBreakpoint({"name": " os.path.join "})
        self.assertEqual(bp.name, "os.path.join")
        self.assertEqual(bp.to_dap(), {"id": bp.id, "verified": True})

    def test_a_function_breakpoint_of_no_function_yet_is_verified_and_pending(self) -> None:
        bp = FunctionBreakpoint({"name": "no_such_module_anywhere.later"})
        self.assertEqual(bp.to_dap(), {"id": bp.id, "verified": True,
                                       "message": "pending until a function no_such_module_anywhere.later is defined"})

    def test_a_function_breakpoint_with_a_bad_condition_says_that_instead(self) -> None:
        bp = FunctionBreakpoint({"name": "no_such_module_anywhere.later", "hitCondition": "often"})
        self.assertEqual(bp.to_dap()["verified"], False)
        self.assertIn("invalid hit condition", bp.to_dap()["message"])

    def test_a_data_breakpoint_names_what_it_watches(self) -> None:
        target = Target("global", "VALUE", "VALUE", Holder(sys.modules[__name__]), module=__name__)
        bp = DataBreakpoint("global:%s:VALUE" % __name__, target, False, {})
        self.assertEqual(bp.to_dap(), {"id": bp.id, "verified": True, "description": "VALUE"})

    def test_a_data_breakpoint_without_a_target_is_unverified(self) -> None:
        bp = DataBreakpoint("local#1:x", None, False, {})
        self.assertEqual(bp.to_dap(), {"id": bp.id, "verified": False})


VALUE = 1


class ClientMistakes(unittest.TestCase):
    """A spec the client got wrong is a RequestError (BAD_ARGUMENTS) that changes nothing."""

    @contextmanager
    def assert_refused(self, message: str) -> Iterator[None]:
        with self.assertRaises(RequestError) as caught:
            yield
        self.assertEqual(str(caught.exception), message)
        self.assertEqual(caught.exception.error_id, BAD_ARGUMENTS)

    def test_a_line_that_is_no_integer(self) -> None:
        table = BreakpointTable()
        [kept] = table.set_file("/nowhere/app.py", [{"line": 1}], SOURCE)
        for line in ("3", 2.0, True, None):
            with self.subTest(line=line):
                with self.assert_refused("breakpoint 'line' must be an integer"):
                    table.set_file("/nowhere/app.py", [{"line": 3}, {"line": line}], SOURCE)
                self.assertEqual(list(table.by_id.values()), [kept], "the file keeps its breakpoints")
                self.assertEqual(list(table.by_path.values())[0][1], [kept])

    def test_a_function_breakpoint_without_a_name(self) -> None:
        for spec in ({}, {"name": "  "}, {"name": 3}):
            with self.subTest(spec=spec):
                with self.assert_refused("a function breakpoint needs a 'name' (a string)"):
                    FunctionBreakpoint(spec)

    def test_a_data_breakpoint_without_a_data_id(self) -> None:
        table = DataBreakpoints(SimpleNamespace())  # type: ignore[arg-type]
        with self.assert_refused("a data breakpoint needs a 'dataId' (a string from dataBreakpointInfo)"):
            table.set([{"dataId": "global:m:x"}, {"dataId": 7}])
        self.assertEqual(table.items, [])

    def test_conditions_that_are_not_text(self) -> None:
        specs: Dict[str, Dict[str, Any]] = {
            "condition": {"line": 1, "condition": 5},
            "hitCondition": {"line": 1, "hitCondition": 5},
            "logMessage": {"line": 1, "logMessage": ["x"]},
        }
        for key, spec in specs.items():
            with self.subTest(key=key):
                with self.assert_refused("breakpoint '%s' must be a string" % key):
                    BreakpointTable().set_file("/nowhere/app.py", [spec], SOURCE)
        with self.assert_refused("breakpoint 'condition' must be a string"):
            FunctionBreakpoint({"name": "f", "condition": 1})

    def test_empty_texts_are_no_condition(self) -> None:
        bp = FunctionBreakpoint({"name": "f", "condition": "", "hitCondition": None})
        self.assertIsNone(bp.condition)
        self.assertIsNone(bp.hit_condition)


if __name__ == "__main__":
    unittest.main()
