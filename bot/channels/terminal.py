"""The terminal chat: clarify options are chosen by number; context carries follow-ups."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.answers import render_plain
from bot.knowledge.models import FacetId
from bot.service import Service
from bot.understanding.decide import Decision

WELCOME = "晋中民生问答（输入问题后回车；输入“退出”结束）"
QUIT = {"退出", "exit", "quit", "q"}


async def chat(service: Service, stdin: TextIO, stdout: TextIO) -> None:
    """Read questions line by line until EOF or 退出; print each answer."""
    print(WELCOME, file=stdout)
    context: str | None = None
    options: list[str] = []
    asked: FacetId | None = None
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)  # the loop stays free for reload signals
        if not line:
            break
        text = line.strip()
        if text in QUIT:
            break
        if text.isdigit() and options and 1 <= int(text) <= len(options):
            answer = service.engine.answer_intent(options[int(text) - 1], asked)
        else:
            answer = await service.ask(
                text, channel="terminal", user_id="terminal", context=context
            )
        options = [o.id for o in answer.candidates] if answer.decision is Decision.CLARIFY else []
        asked = answer.facet  # what the question asked, for the option chosen next
        if answer.decision is Decision.ANSWER:
            context = answer.intent
        print(render_plain(answer), file=stdout, flush=True)
    print("再见！", file=stdout)
