"""Notebook 00's class panel: join a laptop class, switch sending off, hand in an exit ticket. No code.

On a hub the panel says answers go to the instructor and offers the switch; on a laptop it asks for
the class code the instructor shows and the name for the certificate. The exit ticket sends one
free text per notebook ("what is still unclear?"). ``rseai.room.client`` does the sending.
"""

from __future__ import annotations

import html

import ipywidgets as w

from rseai.room import client
from rseai.style import TEXT_BLUE

NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07")


def _say(box: w.HTML, text: str, ok: bool | None = None) -> None:
    colour = {True: "#009E73", False: "#D55E00", None: "#444"}[ok]
    box.value = f'<span style="color:{colour}">{html.escape(text)}</span>'


def class_panel() -> w.VBox:
    """The panel (see the module docstring); ``panel.state`` says what it shows."""
    from rseai.classroom import checkpoints

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
        join = w.Button(description="Join the class",  # white on blue, 5.2:1 (button_style "info": 3.5)
                        style={"button_color": TEXT_BLUE, "text_color": "white"})

        def on_join(_):
            try:
                message = client.join(code.value, name.value)
            except ValueError as err:
                message = str(err)
            _say(status, message, message.startswith(("Joined", "Already")))
            sending.value = client.read_settings().get("sending", True) is not False
            client.attach(checkpoints.LISTENERS)

        join.on_click(on_join)
        parts += [w.HTML("In a class on laptops, type the code the instructor shows to send your "
                         "checkpoint answers to them. Without a code nothing is sent."), code, name, join]

    def on_switch(change):
        client.write_settings(sending=bool(change["new"]))
        (client.attach if change["new"] else client.detach)(checkpoints.LISTENERS)
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
