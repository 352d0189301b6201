"""The fidelity suite sets a breakpoint here, in a file no test imports: pdap must change nothing."""


def never_called() -> None:
    raise AssertionError("the fidelity suite's breakpoint file ran")
