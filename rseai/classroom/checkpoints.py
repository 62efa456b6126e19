"""No-code checkpoints: a question with a choice, a number or a prediction, and instant feedback.

``check(value, attempt)`` gives the verdict the button shows. A first wrong answer gets its own
explanation (``why``: one per wrong option; for a number, too high or too low) and "Try once more";
a second wrong one, or a right one, shows the answer and ``explain``. A number is shown to 6
significant figures, and what is shown is accepted. Each checked answer of a checkpoint with a
``key`` goes to every callable in ``LISTENERS`` (``rseai.room.client`` tells the class service).
``class_panel``, notebook 00's: join a laptop class (the code the instructor shows, the name for the
certificate) or, on a hub, see that answers go to the instructor; switch sending off; hand in one
free-text exit ticket per notebook ("what is still unclear?"). No code.

Example
-------
>>> cp = choice("Which error is a missed tumour?", ["Type I", "Type II"], answer="Type II",
...             explain="A missed case is a false negative: Type II.",
...             why={"Type I": "Type I is a false alarm: a benign tumour flagged."})
>>> cp.check("Type I").message
'✗ Not quite. Type I is a false alarm: a benign tumour flagged. Try once more.'
>>> cp.check("Type I", attempt=2).correct, cp.check("Type II").correct
(False, True)
>>> third = number("What share is one of three?", answer=1 / 3, explain="1 / 3.")
>>> third.shown, third.check("0.333333").correct, third.check("0.4").message
('0.333333', True, '✗ Not quite: 0.4 is too high. Try once more.')
"""

from __future__ import annotations

import contextlib
import html
import math
import threading
import time
from dataclasses import dataclass

import ipywidgets as w

from rseai import _checks
from rseai.feedback import as_number
from rseai.room import client
from rseai.style import TEXT_BLUE, TEXT_GREEN, TEXT_VERMILLION
from rseai.widgets import page_fixes  # slider names, scrolling outputs by keyboard (00 has no Explorer)

_COLOURS = {True: TEXT_GREEN, False: TEXT_VERMILLION, None: TEXT_BLUE}  # readable on white (4.5:1)
_BUTTON = {"button_color": TEXT_BLUE, "text_color": "white"}  # 5.2:1 (button_style "info": 3.5)
ECHO_CHARS = 40  # the most characters of a typed answer repeated back in the feedback
LISTENERS: list = []  # callables given {key, value, correct, attempt} after each checked answer
RETRY = "Try once more."  # the first wrong answer's last words; the answer is not shown yet
NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07")  # an exit ticket each


def shown_number(value: float) -> str:
    """A whole number in full, anything else to 6 significant figures.

    >>> shown_number(2 / 3), shown_number(0.1 + 0.2), shown_number(12345678.0), shown_number(1e-9)
    ('0.666667', '0.3', '12345678', '1e-09')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _shown_tolerance(value: float, shown: str) -> float:
    """Half a unit of ``value``'s 6th significant figure if ``shown`` rounds it (not of ``shown``'s last
    digit: 0.1 + 0.2 shows as "0.3", and 0.05 would accept 0.26)."""
    if float(shown) == value:
        return 0.0
    half = 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - 5)
    return half * (1 + 1e-9)  # the float nearest a rounding boundary is still accepted


def _echo(value) -> str:
    text = str(value)
    return text if len(text) <= ECHO_CHARS else f"{text[:ECHO_CHARS]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


class Checkpoint(w.VBox):
    """One question with a submit button and feedback in place (see ``choice``, ``number``)."""

    def __init__(self, question: str, *, kind: str, answer, explain: str, options=(), why=None,
                 tolerance: float = 0.0, unit: str = "", then: str = "", key: str | None = None):
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"question must be a non-empty str, got {question!r}")
        if key is not None and not (isinstance(key, str) and client.KEY_RULE.fullmatch(key)):
            raise ValueError(f"key must be the notebook number and a short name such as '03-threshold', "
                             f"got {key!r}")
        self.key, self.attempts = key, 0
        _checks.choice(kind, name="kind", options=client.KINDS)
        if not isinstance(explain, str) or not explain.strip():
            raise ValueError(f"explain must be a non-empty str (why the answer is right), got {explain!r}")
        self.question, self.kind, self.explain, self.unit, self.then = question, kind, explain, unit, then
        if kind == "number":
            if why is not None:
                raise ValueError("why is for choices; a number's feedback says too high or too low")
            self.answer, self.why = _checks.real(answer, name="answer"), {}
            self.shown = shown_number(self.answer)
            self.tolerance = max(_checks.real(tolerance, name="tolerance", low=0),
                                 _shown_tolerance(self.answer, self.shown))
            self.field = w.Text(placeholder="type a number", layout=w.Layout(width="12em"))
        else:
            options = tuple(str(o) for o in options)
            if len(options) < 2 or len(set(options)) != len(options):
                raise ValueError(f"options must hold at least two different choices, got {options!r}")
            if str(answer) not in options:
                raise ValueError(f"answer must be one of options {options}, got {answer!r}")
            self.answer = self.shown = str(answer)
            self.tolerance, self.why = 0.0, _why(why, options, self.answer)
            self.field = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
        self.button = w.Button(description="Check my answer", style=_BUTTON)
        self.feedback = w.HTML(value="")
        self.button.on_click(lambda _: self.update())
        label = "Predict first" if kind == "prediction" or question.startswith("Predict") else "Checkpoint"
        asked = question.removeprefix("Predict first:").strip()  # the label says it once, not twice
        title = w.HTML(f"<b>{label}.</b> {html.escape(asked[0].upper() + asked[1:])}")
        parts = [title, self.field, w.HBox([self.button]), self.feedback, page_fixes()]
        room = self._room_view() if key is not None else None  # the instructor's own kernel only
        super().__init__([w.HBox([w.VBox(parts), room])] if room else parts,
                         layout=w.Layout(border="1px solid #ccc", padding="6px", margin="6px 0"))
        self.add_class("rseai-checkpoint")  # "rseai-resolved" once answered right or twice (the app's fold)

    def _room_view(self) -> w.VBox | None:
        """Presenter mode: the room's answers beside the question, refreshed every second while shown."""
        where = client.instructor_target()
        if where is None:
            return None
        show = w.ToggleButton(description="The room's answers", value=False)
        self.room_bars = w.HTML()

        def refresh():
            end = time.monotonic() + 1800
            while show.value and time.monotonic() < end:
                self.room_bars.value = room_html(client.room_answers(where, self.key))
                time.sleep(1.0)

        show.observe(lambda change: change["new"] and threading.Thread(target=refresh, daemon=True).start(),
                     names="value")
        return w.VBox([show, self.room_bars], layout=w.Layout(margin="0 0 0 2em"))

    def check(self, value, attempt: int = 1) -> Verdict:
        """The verdict on ``value`` as answer number ``attempt`` (from 2 on, a wrong one shows the answer)."""
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise ValueError(f"attempt must be a whole number from 1, got {attempt!r}")
        if value is None or (isinstance(value, str) and not value.strip()):
            ask = "Type a number first." if self.kind == "number" else "Choose an answer first."
            return Verdict(False, ask)
        if self.kind == "number":
            got = as_number(value)
            if got is None:
                return Verdict(False, f"'{_echo(value)}' is not a number: type digits such as 12.5.")
            right, why = abs(got - self.answer) <= self.tolerance, ""
            head = f"✗ Not quite: {shown_number(got)} is too {'high' if got > self.answer else 'low'}"
            named = f"; the answer is {self.shown}{(' ' + self.unit) if self.unit else ''}."
        else:
            right, why, head = str(value) == self.answer, self.why.get(str(value), ""), "✗ Not quite"
            named = f": the answer is “{self.answer}”."
        tail = f"{self.explain}{f' {self.then}' if self.then else ''}"
        if right:
            return Verdict(True, f"✓ Right. {tail}")
        parts = (head + ("." if attempt == 1 else named), why, RETRY if attempt == 1 else tail)
        return Verdict(False, " ".join(p for p in parts if p))

    def feedback_is_right(self) -> bool:
        """True when the right answer (a number: exact and as shown) is praised; a first wrong one gets its
        own explanation (a number: too high or low) and a retry, not the answer; a second, the answer."""
        rights = [self.answer] if self.kind != "number" else [f"{self.answer!r}", self.shown]
        if not all(self.check(v, attempt=a).correct for v in rights for a in (1, 2)):
            return False
        if self.kind == "number":
            step = max(self.tolerance * 2, abs(self.answer) * 0.5, 1.0)
            wrong = {v: t for v, t in ((self.answer + step, "too high"), (self.answer - step, "too low"))
                     if math.isfinite(v)}  # a tolerance of 1e308 leaves no wrong number to try
            named = f"the answer is {self.shown}"
        else:
            wrong = {o: self.why[o] for o in self.field.options if o != self.answer}
            named = f"the answer is “{self.answer}”"
        first = {v: self.check(v, attempt=1) for v in wrong}
        second = [self.check(v, attempt=2) for v in wrong]
        return (len({f.message for f in first.values()}) == len(wrong)
                and all(not f.correct and f.message.endswith(RETRY) and wrong[v] in f.message
                        and named not in f.message for v, f in first.items())
                and all(not s.correct and named in s.message and self.explain in s.message for s in second))

    def update(self) -> None:
        value = self.field.value
        answered = value is not None and (self.kind != "number" or as_number(value) is not None)
        attempt = self.attempts + 1 if answered else max(self.attempts, 1)
        verdict = self.check(value, attempt=attempt)
        if answered and (verdict.correct or attempt >= 2):
            self.add_class("rseai-resolved")
        colour = _COLOURS[verdict.correct if answered else None]
        self.feedback.value = f'<span style="color:{colour}">{html.escape(verdict.message)}</span>'
        if answered:
            self.attempts = attempt
            entry = {"key": self.key, "value": value, "correct": verdict.correct, "attempt": attempt}
            for listen in list(LISTENERS) if self.key is not None else []:
                with contextlib.suppress(Exception):  # a listener's failure never reaches the participant
                    listen(entry)

    @property
    def state(self) -> dict:
        return {"question": self.question, "kind": self.kind, "value": self.field.value,
                "feedback": self.feedback.value}


def room_html(item: dict | None) -> str:
    """The room's first answers as text bars (the right one marked in words, not only in colour)."""
    if item is None:
        return "<i>The class service cannot be reached.</i>"
    most = max([c["n"] for c in item["counts"]] + [1])
    rows = "".join(f'<div>{html.escape(c["value"])}{" ✓ right" if c["right"] else ""}: <b>{c["n"]}</b> '
                   f'<span style="display:inline-block;height:0.8em;width:{round(120 * c["n"] / most)}px;'
                   f'background:{_COLOURS[True] if c["right"] else _COLOURS[None]}"></span></div>'
                   for c in item["counts"])
    return f'{rows}<div style="color:#555">{item["reached"]} answered</div>'


def _why(why, options: tuple, answer: str) -> dict:
    """``why`` checked: option -> why that answer is wrong, one for every wrong option, all different."""
    if not isinstance(why, dict):
        raise ValueError(f"why must be a dict from each wrong option to why it is wrong, got {why!r}")
    why = {str(o): text for o, text in why.items()}
    unknown = sorted(set(why) - set(options))
    missing = [o for o in options if o != answer and o not in why]
    if unknown or missing:
        raise ValueError(f"why must explain each wrong option of {options}: "
                         + (f"missing {missing}" if missing else f"{unknown} are not options"))
    bad = [o for o, text in why.items() if not isinstance(text, str) or not text.strip()]
    if bad or len({why[o] for o in options if o != answer}) < len(options) - 1:
        raise ValueError(f"why must give each wrong option its own non-empty text; see {bad or sorted(why)}")
    return why


def choice(question: str, options, *, answer, explain: str, why: dict, key: str | None = None) -> Checkpoint:
    """A multiple-choice checkpoint; ``answer`` is one of ``options``; ``why`` maps each wrong option to why
    it is wrong (the first wrong answer's feedback); ``key`` names it for the class."""
    return Checkpoint(question, kind="choice", answer=answer, explain=explain, options=options, why=why,
                      key=key)


def number(question: str, *, answer, explain: str, tolerance: float = 0.0, unit: str = "",
           key: str | None = None) -> Checkpoint:
    """A checkpoint answered with a number, right within ``tolerance`` of ``answer``."""
    return Checkpoint(question, kind="number", answer=answer, explain=explain, tolerance=tolerance, unit=unit,
                      key=key)


def prediction(question: str, options, *, answer, explain: str, why: dict, then: str,
               key: str | None = None) -> Checkpoint:
    """Predict before exploring: a choice whose feedback ends with what to try (``then``)."""
    if not isinstance(then, str) or not then.strip():
        raise ValueError(f"then must say what to try next, got {then!r}")
    return Checkpoint(question, kind="prediction", answer=answer, explain=explain, options=options, why=why,
                      then=then, key=key)


def _say(box: w.HTML, text: str, ok: bool | None = None) -> None:
    box.value = f'<span style="color:{_COLOURS[ok]}">{html.escape(text)}</span>'


def class_panel() -> w.VBox:
    """The panel (see the module docstring); ``panel.state`` says what it shows."""
    status = w.HTML()
    sending = w.Checkbox(value=client.read_settings().get("sending", True) is not False, indent=False,
                         description="Send my checkpoint answers to the instructor")
    parts: list = []
    if client.on_hub():
        parts.append(w.HTML("You are on the class hub: your checkpoint answers go to the instructor, who "
                            "sees them as counts; your name only in the completion list."))
    else:
        code = w.Text(placeholder="ABCD-EFGH-IJKL-MNOP", description="Class code",
                      layout=w.Layout(width="24em"))
        name = w.Text(placeholder="as on your certificate", description="Your name",
                      value=client.read_settings().get("name", ""), layout=w.Layout(width="24em"))
        join = w.Button(description="Join the class", style=_BUTTON)

        def on_join(_):
            try:
                message = client.join(code.value, name.value)
            except ValueError as err:
                message = str(err)
            _say(status, message, message.startswith(("Joined", "Already")))
            sending.value = client.read_settings().get("sending", True) is not False
            client.attach(LISTENERS)

        join.on_click(on_join)
        parts += [w.HTML("In a class on laptops, type the code the instructor shows to send your "
                         "checkpoint answers to them. Without a code nothing is sent."), code, name, join]

    def on_switch(change):
        client.write_settings(sending=bool(change["new"]))
        (client.attach if change["new"] else client.detach)(LISTENERS)
        _say(status, "Sending is on." if change["new"] else "Sending is off: nothing leaves this notebook.")

    sending.observe(on_switch, names="value")
    book = w.Dropdown(options=NOTEBOOKS, description="Notebook", layout=w.Layout(width="12em"))
    unclear = w.Textarea(placeholder="What is still unclear? (at most 500 characters)",
                         layout=w.Layout(width="36em", height="4em"))
    hand_in = w.Button(description="Send my exit ticket")
    ticket_status = w.HTML()

    def on_hand_in(_):
        where = client.target()
        if where is None:
            _say(ticket_status, "Not sent: join a class first (or switch sending on).", False)
            return
        status_code, reply = client.call(where[0] + "api/answer", token=where[1], payload={
            "key": f"{book.value}-unclear", "value": unclear.value, "attempt": 1})
        ok = status_code == 200
        _say(ticket_status, "Thank you: sent." if ok else f"Not sent: {client.reason(reply)}", ok)

    hand_in.on_click(on_hand_in)
    panel = w.VBox([*parts, sending, status, w.HTML("<b>Exit ticket</b>, at the end of a notebook:"),
                    book, unclear, hand_in, ticket_status],
                   layout=w.Layout(border="1px solid #ccc", padding="6px", margin="6px 0"))
    panel.state = {"on_hub": client.on_hub(), "sending": sending.value, "joined": client.target() is not None}
    return panel


client.attach(LISTENERS)  # the class service, when on a hub or in a joined class
