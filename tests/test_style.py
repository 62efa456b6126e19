"""The shared look: messages in place (the guard every widget uses)."""

import pytest

from rseai.style import MessageArea


def test_guard_turns_value_and_type_errors_into_a_message_and_clears_stale_results():
    msg, cleared = MessageArea(), []
    with msg.guard(on_error=lambda: cleared.append(True)):
        raise ValueError("hours must be >= 0, got -1")
    assert "hours must be &gt;= 0" in msg.widget.value and cleared == [True]
    assert isinstance(msg.last_error, ValueError)
    msg.clear()
    assert msg.widget.value == "" and msg.last_error is None


@pytest.mark.parametrize("bug", [KeyError("x"), IndexError("list index out of range"), ZeroDivisionError()])
def test_guard_lets_bugs_through(bug):
    msg = MessageArea()
    with pytest.raises(type(bug)), msg.guard():
        raise bug
    assert msg.widget.value == ""
