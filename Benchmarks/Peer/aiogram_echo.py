"""N aiogram echo bots in one Python process: the peer `aviary-bench --peer aiogram` measures
Aviary against (see BENCHMARKS.md).

One Dispatcher with one echo handler serves every bot; the bots share one AiohttpSession
pointed at the fake Bot API, as aiogram's multibot examples do. In polling mode each bot runs
the Dispatcher's own polling loop (the coroutine `Dispatcher.start_polling(*bots)` runs once
per bot), kept in a table so SIGHUP can start or restart one bot without touching the others.
In webhook mode an aiogram aiohttp request handler serves `POST /webhook/<bot id>` and checks
each bot's secret.

    python aiogram_echo.py --api http://127.0.0.1:PORT --tokens FILE --port PORT [--webhook]

FILE holds one bot per line: its token, optionally followed by the long-poll timeout in seconds
(default 25). `GET /readyz` on PORT answers 200 once every bot of the file has made its first
`getUpdates` call (polling) or set its webhook, 503 before. SIGHUP re-reads FILE: new lines
start bots, changed lines restart them, removed lines stop them. SIGTERM or SIGINT stops every
bot and exits 0.
"""

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import BaseRequestHandler

DEFAULT_POLL_TIMEOUT = 25

router = Router(name="echo")


@router.message(F.text)
async def echo(message: Message) -> None:
    """Answers every text with the same text: what the benchmark's reply ledger expects."""
    await message.answer(message.text)


@dataclass
class RunningBot:
    """One bot of the file: its line, its aiogram Bot, and its polling task or webhook secret."""

    line: str
    bot: Bot
    poll_timeout: int
    task: asyncio.Task[Any] | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def parse_tokens(path: str) -> dict[str, str]:
    """The file's bots, token → whole line; blank lines and `#` comments are skipped."""
    bots: dict[str, str] = {}
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = raw.strip()
            if line and not line.startswith("#"):
                bots[line.split()[0]] = line
    return bots


class Fleet:
    """Every running bot, started, restarted and stopped from the token file."""

    def __init__(self, options: argparse.Namespace, dispatcher: Dispatcher, session: AiohttpSession) -> None:
        self.options = options
        self.dispatcher = dispatcher
        self.session = session
        self.bots: dict[str, RunningBot] = {}
        self.by_id: dict[str, RunningBot] = {}
        self.started: set[str] = set()
        self.allowed_updates = dispatcher.resolve_used_update_types()
        self.reload_lock = asyncio.Lock()

    @property
    def ready(self) -> bool:
        return all(token in self.started for token in self.bots)

    def mark_started(self, token: str) -> None:
        self.started.add(token)

    async def reload(self) -> None:
        """Makes the running bots match the token file."""
        async with self.reload_lock:
            wanted = parse_tokens(self.options.tokens)
            for token in [token for token in self.bots if wanted.get(token) != self.bots[token].line]:
                await self.stop(token)
            await asyncio.gather(*(self.start(token, line) for token, line in wanted.items() if token not in self.bots))

    async def start(self, token: str, line: str) -> None:
        fields = line.split()
        timeout = int(fields[1]) if len(fields) > 1 else DEFAULT_POLL_TIMEOUT
        running = RunningBot(line=line, bot=Bot(token=token, session=self.session), poll_timeout=timeout)
        self.bots[token] = running
        self.by_id[str(running.bot.id)] = running
        if self.options.webhook:
            url = f"http://127.0.0.1:{self.options.port}/webhook/{running.bot.id}"
            await running.bot.set_webhook(url, secret_token=running.secret, allowed_updates=self.allowed_updates)
            self.mark_started(token)
        else:
            running.task = asyncio.create_task(
                self.dispatcher._polling(
                    bot=running.bot,
                    polling_timeout=timeout,
                    handle_as_tasks=True,
                    allowed_updates=self.allowed_updates,
                    dispatcher=self.dispatcher,
                )
            )

    async def stop(self, token: str) -> None:
        running = self.bots.pop(token)
        self.by_id.pop(str(running.bot.id), None)
        self.started.discard(token)
        if running.task is not None:
            running.task.cancel()
            await asyncio.gather(running.task, return_exceptions=True)

    async def stop_all(self) -> None:
        # All at once: one after the other, a hundred bots each cancelling a loaded poll took
        # longer than the benchmark's 30 s allowance for SIGTERM.
        await asyncio.gather(*(self.stop(token) for token in list(self.bots)))


class FirstPollMiddleware(BaseRequestMiddleware):
    """Marks a bot started when it makes its first `getUpdates` call."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        if isinstance(method, GetUpdates):
            self.fleet.mark_started(bot.token)
        return await make_request(bot, method)


class FleetWebhookHandler(BaseRequestHandler):
    """aiogram's aiohttp webhook handler for `/webhook/{bot_id}`: the bot and its secret come from the fleet."""

    def __init__(self, dispatcher: Dispatcher, fleet: Fleet) -> None:
        super().__init__(dispatcher=dispatcher, handle_in_background=True)
        self.fleet = fleet

    async def resolve_bot(self, request: web.Request) -> Bot:
        running = self.fleet.by_id.get(request.match_info["bot_id"])
        if running is None:
            raise web.HTTPNotFound()
        return running.bot

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        running = self.fleet.by_id.get(str(bot.id))
        return running is not None and secrets.compare_digest(telegram_secret_token, running.secret)

    async def close(self) -> None:
        pass


async def main(options: argparse.Namespace) -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    # One session for every bot; aiohttp's default of 100 connections would queue all long
    # polls past the hundredth, so the pool is unbounded (0), as a multibot process needs.
    session = AiohttpSession(api=TelegramAPIServer.from_base(options.api), limit=0)
    fleet = Fleet(options, dispatcher, session)
    session.middleware(FirstPollMiddleware(fleet))

    async def readyz(_: web.Request) -> web.Response:
        return web.Response(status=200 if fleet.ready else 503, text="ready" if fleet.ready else "starting")

    app = web.Application()
    app.router.add_get("/readyz", readyz)
    webhook_handler = FleetWebhookHandler(dispatcher, fleet)
    webhook_handler.register(app, path="/webhook/{bot_id}")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", options.port).start()

    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    reloads: set[asyncio.Task[None]] = set()

    def on_hangup() -> None:
        task = loop.create_task(fleet.reload())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    loop.add_signal_handler(signal.SIGHUP, on_hangup)
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    loop.add_signal_handler(signal.SIGINT, stopping.set)
    await fleet.reload()
    await stopping.wait()

    await asyncio.gather(*reloads, return_exceptions=True)
    await fleet.stop_all()
    # Updates already taken are answered before the process ends, as the host under test does.
    handling = dispatcher._handle_update_tasks | webhook_handler._background_feed_update_tasks
    if handling:
        await asyncio.wait(handling, timeout=10)
    await runner.cleanup()
    await session.close()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="N aiogram echo bots in one process (Aviary's benchmark peer).")
    parser.add_argument("--api", required=True, help="the Bot API's base URL, e.g. http://127.0.0.1:8081")
    parser.add_argument("--tokens", required=True, help="a file with one bot per line: token [poll timeout]")
    parser.add_argument("--port", type=int, required=True, help="the port for /readyz and the webhooks")
    parser.add_argument("--webhook", action="store_true", help="webhook mode instead of long polling")
    return parser.parse_args()


if __name__ == "__main__":
    # A launcher may hand down its blocked signal mask (Swift Foundation's Process passes on
    # the benchmark's); blocked, these signals would never reach the event loop.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP, signal.SIGTERM, signal.SIGINT})
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    asyncio.run(main(arguments()))
    # Every bot, socket and task is closed by now. What is left is the interpreter tearing down
    # aiogram's thousands of model classes, about 2 s that serve nothing.
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)
