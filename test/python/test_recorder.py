"""Step back's recorder, piece by piece: what a value is recorded as, which locals a line can
change, what the scope takes in, and a recorded run replayed through a settrace hook."""
import sys
import unittest

from pdap.recorder import LINE, RETURN, Recorder, Scope, line_names, names_by_line
from pdap.sources import CodeFilter


class Backend:
    name = "settrace"

    def recording_changed(self) -> None:
        pass


class Debugger:
    def __init__(self) -> None:
        self.filter = CodeFilter()
        self.backend = Backend()
        self.agent_threads: set = set()
        self.recorder = None

    def fault(self, where: str, exc: BaseException) -> None:
        raise exc


class Opaque:
    def __repr__(self) -> str:
        raise AssertionError("the recorder never runs the program's __repr__")


def sample(values):
    total = 0
    seen = []
    for v in values:
        total += v
        seen.append(v)
    del v
    return total


class Recording(unittest.TestCase):
    def setUp(self) -> None:
        self.rec = Recorder(Debugger())
        self.rec.scope = Scope(True, lambda code: code is sample.__code__, lambda code: False)
        self.rec.on = True

    def run_recorded(self, *args):
        return self.traced(sample, *args)

    def test_values_are_bounded_text_that_runs_no_code_of_the_program(self) -> None:
        text = self.rec.text
        self.assertEqual(text([1, "a", (2, None)]), "[1, 'a', (2, None)]")
        self.assertEqual(text({"k": [1, 2]}), "{'k': [1, 2]}")
        self.assertEqual(text(set()), "set()")
        self.assertEqual(text(ValueError("bad", 2)), "ValueError('bad', 2)")
        self.assertRegex(text(Opaque()), r"^<.*Opaque object at 0x[0-9a-f]+>$")
        self.assertLessEqual(len(text(list(range(100_000)))), 210)
        loop = []
        loop.append(loop)
        self.assertIn("...", text(loop))

    def test_a_line_names_the_locals_it_can_change(self) -> None:
        by_line, _ = names_by_line(sample.__code__)
        first = sample.__code__.co_firstlineno
        self.assertIn("total", by_line[first + 1])
        self.assertIn("seen", by_line[first + 2])
        self.assertIn("v", by_line[first + 6])  # del v

    def test_a_line_that_only_iterates_or_subscripts_a_container_does_not_read_it_again(self) -> None:
        def uses(a, b, c, lst, d, k):
            g(a, b == c)
            for x in lst:  # noqa: B007  # x is read after the loop
                pass
            v = d[k]
            lst[0] = v
            return x

        def g(*args):
            pass

        stores, loads, _ = line_names(uses.__code__)
        first = uses.__code__.co_firstlineno
        self.assertIn("a", loads[first + 1], "passed to a call: it may change")
        self.assertNotIn("lst", loads.get(first + 2, ()), "iterated")
        self.assertIn("x", stores[first + 2])
        self.assertFalse({"d", "k"} & loads.get(first + 4, set()), "subscripted")
        self.assertIn("lst", loads[first + 5], "an item set")

    def test_a_container_changed_through_an_alias_shows_changed_under_both_names(self) -> None:
        def alias():
            a = [1]
            b = a
            b.append(2)
            for x in a:  # noqa: B007  # x is read after the loop
                pass
            return x

        self.rec.scope = Scope(True, lambda code: code is alias.__code__, lambda code: False)
        self.traced(alias)
        events = list(next(iter(self.rec.logs.values())).events)
        at_for = [event for event in events if event.kind == LINE and event.line == alias.__code__.co_firstlineno + 4]
        self.assertEqual(at_for[0].locals["b"][0], "[1, 2]")
        self.assertEqual(at_for[0].locals["a"][0], "[1, 2]", "a names the same list")
        self.assertIn("a", [change[0] for change in at_for[0].changes])

    def record(self, function, tracer=None):
        self.rec.scope = Scope(True, lambda code: code is function.__code__, lambda code: False)
        self.traced(function, tracer=tracer)
        return [event for event in next(iter(self.rec.logs.values())).events if event.kind == LINE]

    def test_a_cell_rebound_by_an_inner_function_shows_at_the_next_line_naming_it(self) -> None:
        def cells():
            n = 0

            def inc():
                nonlocal n
                n += 1
            inc()
            m = n
            return m

        last = self.record(cells)[-1]
        self.assertEqual((last.locals["n"][0], last.locals["m"][0]), ("1", "1"))

    def test_a_stop_may_change_locals_they_are_all_read_again_after_it(self) -> None:
        def changed():
            x = 1
            y = x
            return y

        rec = self.rec
        stop_line = changed.__code__.co_firstlineno + 2

        def tracer(frame, event, arg):
            if rec.in_scope(frame.f_code, frame):
                rec.trace_event(frame, event, arg)
                if event == "line" and frame.f_lineno == stop_line:
                    frame.f_locals["x"] = 5  # what setVariable does at a stop here
                    rec.resumed()
                return tracer
            return None

        last = self.record(changed, tracer)[-1]
        self.assertEqual((last.locals["x"][0], last.locals["y"][0]), ("5", "5"))

    def test_scope_takes_files_modules_and_functions(self) -> None:
        is_user = lambda code: True  # noqa: E731
        never = lambda code: False  # noqa: E731
        code = sample.__code__
        self.assertTrue(Scope([__file__], is_user, never)(code, "anything"))
        self.assertTrue(Scope(["test_recorder"], is_user, never)(code, "test_recorder"))
        self.assertTrue(Scope(["pkg"], is_user, never)(code, "pkg.sub"))
        self.assertFalse(Scope(["pkg"], is_user, never)(code, "pkgx"))
        self.assertTrue(Scope(["test_recorder:sample"], is_user, never)(code, "test_recorder"))
        self.assertFalse(Scope(["test_recorder:other"], is_user, never)(code, "test_recorder"))

    def test_a_run_is_recorded_as_lines_with_changes_and_a_return(self) -> None:
        self.assertEqual(self.run_recorded([3, 4]), 7)
        events = list(next(iter(self.rec.logs.values())).events)
        self.assertEqual(events[-1].kind, RETURN)
        self.assertEqual(events[-1].value, "7")
        changes = [(name, text) for event in events if event.kind == LINE for name, text, _, _ in event.changes]
        self.assertEqual([text for name, text in changes if name == "total"], ["0", "3", "7"])
        self.assertEqual([text for name, text in changes if name == "seen"], ["[]", "[3]", "[3, 4]"])
        self.assertIn(("v", None), changes, "del v is recorded as a deletion")
        last_line = [event for event in events if event.kind == LINE][-1]
        self.assertNotIn("v", last_line.locals)
        self.assertEqual(last_line.locals["total"][0], "7")

    def test_the_memory_bound_drops_the_oldest_events(self) -> None:
        self.rec.limit = 2000
        self.run_recorded(list(range(200)))
        log = next(iter(self.rec.logs.values()))
        self.assertGreater(log.dropped, 0)
        self.assertLessEqual(log.size, 2000)


    def test_a_dropped_chunk_leaves_the_locals_of_a_frame_still_shown(self) -> None:
        values = list(range(300))
        self.run_recorded(values)
        def shown(events):  # ids differ from run to run
            return [(event.kind, event.line, {name: entry[:2] for name, entry in event.locals.items()},
                     [change[:3] for change in event.changes]) for event in events]

        full = shown(next(iter(self.rec.logs.values())).events)
        self.rec.logs.clear()
        self.rec.limit = 6000
        self.run_recorded(values)
        log = next(iter(self.rec.logs.values()))
        self.assertGreater(log.dropped, 0)
        kept = shown(log.events)
        self.assertEqual(kept, full[log.dropped:], "the same locals at every event kept")

    def test_the_ring_keeps_whole_chunks_of_many_calls_as_they_were(self) -> None:
        def calls():
            for _ in range(100):
                sample(list(range(50)))

        def shown(events):
            return [(event.kind, event.line, event.name, {name: entry[:2] for name, entry in event.locals.items()},
                     [change[:3] for change in event.changes]) for event in events]

        self.rec.scope = Scope(True, lambda code: code in (calls.__code__, sample.__code__), lambda code: False)
        self.traced(calls)
        full = shown(next(iter(self.rec.logs.values())).events)
        self.rec.logs.clear()
        self.rec.limit = 200_000
        self.traced(calls)
        log = next(iter(self.rec.logs.values()))
        self.assertGreater(len(log.chunks), 3, "several chunks kept")
        self.assertGreater(log.dropped, 0)
        self.assertEqual(shown(log.events), full[log.dropped:])

    def test_nothing_recorded_keeps_the_program_s_objects_alive(self) -> None:
        import gc
        import weakref

        class Thing:
            pass

        def make():
            thing = Thing()
            items = [thing, 2]  # noqa: F841  # recorded: the container must not keep `thing` alive
            n = 7  # noqa: F841
            return weakref.ref(thing)

        self.rec.scope = Scope(True, lambda code: code is make.__code__, lambda code: False)
        ref = self.traced(make)
        gc.collect()
        self.assertIsNone(ref(), "the object died with its frame")
        events = list(next(iter(self.rec.logs.values())).events)
        last = [event for event in events if event.kind == LINE][-1]
        self.assertRegex(last.locals["thing"][0], r"^<.*Thing object at 0x[0-9a-f]+>$")
        self.assertRegex(last.locals["items"][0], r"^\[<.*Thing object at 0x[0-9a-f]+>, 2\]$")
        self.assertEqual(last.locals["n"], ("7", "int", last.locals["n"][2]))

    def test_big_values_are_rendered_when_recorded_and_cut(self) -> None:
        def big():
            text = "x" * 10_000
            number = 1 << 300  # noqa: F841  # recorded as text, cut
            return len(text)

        self.rec.scope = Scope(True, lambda code: code is big.__code__, lambda code: False)
        self.traced(big)
        log = next(iter(self.rec.logs.values()))
        for record in log.events.records:
            if type(record) is tuple and type(record[1]) is not int:  # (serial, names, values)
                for value in (record[2] if type(record[1]) is tuple else (record[2],)):
                    self.assertNotIn(type(value), (str, int), "a long str, a big int: kept as text")
        last = [event for event in log.events if event.kind == LINE][-1]
        self.assertEqual(last.locals["text"][0], repr("x" * 200) + "...")
        self.assertEqual(last.locals["number"][0], repr(1 << 300))

    def tracer(self):
        rec = self.rec

        def tracer(frame, event, arg):
            if rec.in_scope(frame.f_code, frame):
                rec.trace_event(frame, event, arg)
                return tracer
            return None
        return tracer

    def traced(self, function, *args, tracer=None):
        """Runs function(*args) with the recorder's settrace delivery on; returns its result."""
        sys.settrace(tracer or self.tracer())
        try:
            return function(*args)
        finally:
            sys.settrace(None)

if __name__ == "__main__":
    unittest.main()
