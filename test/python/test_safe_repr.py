"""Values as the Variables view shows them: bounded, and safe from the program's own __repr__."""
import unittest

from pdap.safe_repr import MAX_VALUE_CHARS, render


class Raises:
    def __repr__(self) -> str:
        raise RuntimeError("boom")


class Recurses:
    def __repr__(self) -> str:
        return repr(self)


class SafeRepr(unittest.TestCase):
    def test_plain_values_read_as_repr_does(self) -> None:
        for value in (1, "text", [1, 2, {"a": (3, None)}], {1, 2}, 2.5, b"\x00"):
            with self.subTest(value=value):
                self.assertEqual(render(value), repr(value))

    def test_a_long_value_is_cut_to_the_limit(self) -> None:
        text = render("x" * 50_000)
        self.assertLessEqual(len(text), MAX_VALUE_CHARS + 10)
        self.assertTrue(text.endswith("..."))

    def test_a_million_element_list_is_not_rendered_whole(self) -> None:
        text = render(list(range(1_000_000)))
        self.assertLessEqual(len(text), MAX_VALUE_CHARS + 10)
        self.assertTrue(text.startswith("[0, 1, 2"))

    def test_a_repr_that_raises_shows_the_error_in_place(self) -> None:
        self.assertEqual(render(Raises()), "<repr raised RuntimeError: boom>")
        self.assertIn("<repr raised RuntimeError: boom>", render([Raises()]))

    def test_a_repr_that_recurses_is_an_error_string(self) -> None:
        self.assertIn("RecursionError", render(Recurses()))

    def test_a_list_that_holds_itself(self) -> None:
        cycle: list = []
        cycle.append(cycle)
        self.assertEqual(render(cycle), "[[...]]")

    def test_hex(self) -> None:
        self.assertEqual(render([255, 16], hex=True), "[0xff, 0x10]")


if __name__ == "__main__":
    unittest.main()
