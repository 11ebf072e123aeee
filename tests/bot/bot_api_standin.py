"""A local stand-in for the Telegram Bot API on 127.0.0.1, for end-to-end and load tests.

It implements getMe, getUpdates (long polling), sendMessage, sendDocument, editMessageText,
answerCallbackQuery, answerInlineQuery, setMyCommands, deleteWebhook and getFile with the file
download route, records every call, and lets a test push updates (messages, edits, files, button
presses, inline queries) as Telegram would deliver them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

REPO = Path(__file__).resolve().parents[2]

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Tra cứu CCHC",
    "username": "tracuu_cchc_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class BotApiStandIn:
    """Serve the Bot API for one token; run in its own thread with its own event loop."""

    def __init__(self, token: str, host: str = "127.0.0.1") -> None:
        self.token = token
        self.host = host
        self.port = 0
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.pushed_at: dict[int, float] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._new_update: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.lock = threading.Lock()
        self.flood_next = 0  # answer this many sendMessage calls with 429 Too Many Requests
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file name, bytes) users sent
        self._file_ids = itertools.count(1)

    # ------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        """What the bot is given as TELEGRAM_BASE_URL."""
        return f"http://{self.host}:{self.port}/bot"

    def start(self) -> BotApiStandIn:
        """Start serving in a background thread."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("stand-in did not start")
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._loop and self._runner:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self.host, 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    # ------------------------------------------------------------ test side
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here)."""
        with self.lock:
            update_id = next(self._ids)
            update = {"update_id": update_id, **update}
            self.updates.append(update)
            self.pushed_at[update_id] = time.monotonic()
        if self._loop and self._new_update:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return update_id

    def message(
        self, text: str, user_id: int = 1001, chat_id: int | None = None, chat_type: str = "private", **extra
    ) -> int:
        """Push a text message from a user (a command when it starts with '/')."""
        return self.push(self.build_message(text, user_id, chat_id, chat_type, **extra))

    def build_message(
        self, text: str, user_id: int = 1001, chat_id: int | None = None, chat_type: str = "private", **extra
    ) -> dict[str, Any]:
        """The update payload of a text message (without update_id)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id if chat_id is not None else user_id, "type": chat_type, "title": "Nhóm"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "text": text,
            **extra,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"message": message}

    def edited(self, original: dict[str, Any], text: str) -> int:
        """Push an edit of a message pushed earlier (the payload ``build_message`` returned)."""
        message = {**original["message"], "text": text, "edit_date": int(time.time())}
        return self.push({"edited_message": message})

    def add_file(self, file_name: str, content: bytes) -> dict[str, Any]:
        """Make a file downloadable and return the Document object a message carries."""
        file_id = f"file-{next(self._file_ids)}"
        with self.lock:
            self.files[file_id] = (file_name, content)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name, "file_size": len(content)}

    def build_document(
        self, file_name: str, content: bytes, user_id: int = 1001, caption: str | None = None, **extra
    ) -> dict[str, Any]:
        """The update payload of a file sent to the bot (without update_id)."""
        payload = self.build_message("", user_id, **extra)
        del payload["message"]["text"]
        payload["message"]["document"] = self.add_file(file_name, content)
        if caption:
            payload["message"]["caption"] = caption
        return payload

    def callback(self, data: str, message: dict[str, Any], user_id: int = 1001) -> int:
        """Push a button press on a message the bot sent."""
        return self.push(self.build_callback(data, message, user_id))

    def build_callback(self, data: str, message: dict[str, Any], user_id: int = 1001) -> dict[str, Any]:
        """The update payload of a button press."""
        return {
            "callback_query": {
                "id": str(next(self._ids) + 10_000),
                "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
                "chat_instance": "ci",
                "message": message,
                "data": data,
            }
        }

    def inline_query(self, query: str, user_id: int = 1001) -> int:
        """Push an inline query ('@bot câu hỏi')."""
        return self.push(self.build_inline(query, user_id))

    def build_inline(self, query: str, user_id: int = 1001) -> dict[str, Any]:
        """The update payload of an inline query."""
        return {
            "inline_query": {
                "id": str(next(self._ids) + 20_000),
                "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
                "query": query,
                "offset": "",
            }
        }

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method."""
        with self.lock:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def wait_for(self, predicate, timeout: float = 30.0) -> Call:
        """The first recorded call matching ``predicate``, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = next((c for c in self.calls if predicate(c)), None)
            if found:
                return found
            time.sleep(0.02)
        raise TimeoutError("the bot did not make the expected call")

    # ------------------------------------------------------------ server side
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "content": value.file.read()}
                continue
            try:
                params[key] = json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
            except json.JSONDecodeError:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if method.lower() != "getupdates":
            with self.lock:
                self.calls.append(Call(method, params))
        if method.lower() == "sendmessage" and self.flood_next > 0:
            self.flood_next -= 1
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            return web.json_response(body, status=429)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.json_response({"ok": True, "result": await handler(params)})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["file_path"].split("/")[0]
        with self.lock:
            self.calls.append(Call("downloadFile", {"file_path": request.match_info["file_path"]}))
            found = self.files.get(file_id)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[1], content_type="application/octet-stream")

    async def _m_getfile(self, params):
        file_id = params["file_id"]
        with self.lock:
            name, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content),
                "file_path": f"{file_id}/{name}"}  # fmt: skip

    async def _m_senddocument(self, params):
        message = self._sent_message(params)
        document = params.get("document") or {}
        message["document"] = {"file_id": "sent", "file_unique_id": "sent", "file_name": document.get("filename")}
        return message

    async def _m_getme(self, params):
        return BOT_USER

    async def _m_deletewebhook(self, params):
        return True

    async def _m_setmycommands(self, params):
        return True

    async def _m_answercallbackquery(self, params):
        return True

    async def _m_answerinlinequery(self, params):
        return True

    async def _m_getupdates(self, params):
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                pending = [u for u in self.updates if u["update_id"] >= offset][:100]
            if pending or time.monotonic() >= deadline:
                return pending
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), max(0.01, deadline - time.monotonic()))

    def _sent_message(self, params) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Nhóm"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    async def _m_sendmessage(self, params):
        return self._sent_message(params)

    async def _m_editmessagetext(self, params):
        return self._sent_message(params)

    async def _m_sendchataction(self, params):
        return True


@contextlib.contextmanager
def running_bot(
    standin: BotApiStandIn, data_dir: str | Path, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """The real `tracuu bot` process talking to the stand-in, stopped on exit; yields once commands are set."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_BASE_URL": standin.base_url,
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracuu.cli", "--data-dir", str(data_dir), "bot"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            standin.wait_for(lambda c: c.method == "setMyCommands", timeout=180)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
